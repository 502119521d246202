#pragma once
// Internal to dspt_protocol (codec.cpp): the cereal input archive decode() uses.
//
// Why not cereal::PortableBinaryInputArchive: its loads of std::string and
// std::vector read a 64-bit length from the input and resize() to it before
// reading a single element, so a hostile 20-byte message declaring a 2^40-byte
// string makes the decoder allocate a terabyte (or throw std::bad_alloc, or
// be killed). It also memcpy's any byte into a bool, which is undefined
// behaviour for values other than 0 and 1.
//
// BoundedInputArchive reads the same bytes as PortableBinaryInputArchive
// (cereal 1.3.2 portable binary: one endianness byte, then little-endian
// integers, u64 lengths, u32 class versions) from a string_view that it never
// reads past. Its rule: every length is checked against the bytes that remain
// before anything is allocated.
//   - std::string and byte vectors: length <= remaining, then one allocation
//     of at most the payload size;
//   - lists (vectors of anything else) load only through detail::ListField
//     (messages.hpp), which names the most elements the list may hold: the
//     count is refused over that bound (ErrorCode::limit_exceeded) and then
//     checked against remaining (every element takes at least one byte), and
//     elements are appended one by one as they are read. A bare list does not
//     compile, so no list decodes without a bound. Without the bound a 16 MiB
//     push of 245,760 empty changes, 64 bytes each on the wire, costs about
//     600 bytes each in memory;
//   - any other container cereal may add later goes through the SizeTag load
//     below, which applies the same length <= remaining check;
//   - bool must be 0 or 1; the endianness byte must be 1 (encode() always
//     writes little-endian), so every value has exactly one encoding.
// Every failure throws Error(ErrorCode::protocol), except a list over its
// bound, which throws Error(ErrorCode::limit_exceeded). Bare enums do not compile
// with this archive (no minimal-serialisation traits): use a checked wrapper
// such as detail::RoleField.
//
// Thread safety: one archive per decode, used by one thread.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <cereal/cereal.hpp>

namespace dspt::protocol::detail {

class BoundedInputArchive
    : public cereal::InputArchive<BoundedInputArchive, cereal::AllowEmptyClassElision> {
  public:
    // Reads payload's endianness byte. payload must outlive the archive.
    explicit BoundedInputArchive(std::string_view payload);

    // Bytes not yet read.
    std::size_t remaining() const noexcept { return payload_.size() - position_; }

    // Copies the next n bytes to out; throws when fewer than n remain.
    void read_bytes(void* out, std::size_t n);

    // Reads a u64 element count and checks that count elements of at least
    // min_element_bytes each fit in what remains; what names the container
    // in the error ("a string", "a byte string", "PushRequest.entries").
    // A count over max_count throws Error(ErrorCode::limit_exceeded) first,
    // so an oversized list is refused whatever follows it.
    std::size_t read_count(std::size_t min_element_bytes, std::string_view what,
                           std::size_t max_count = std::numeric_limits<std::size_t>::max());

    // Reads a little-endian unsigned integer of sizeof(U) bytes.
    template <class U>
    U read_unsigned() {
        static_assert(std::is_unsigned_v<U>);
        unsigned char buffer[sizeof(U)];
        read_bytes(buffer, sizeof(U));
        U value = 0;
        for (std::size_t i = 0; i < sizeof(U); ++i) {
            value = static_cast<U>(value | static_cast<U>(static_cast<U>(buffer[i]) << (8 * i)));
        }
        return value;
    }

    // Reads a bool byte: 0 or 1, anything else throws.
    bool read_bool();

  private:
    std::string_view payload_;
    std::size_t position_ = 0;
};

// The unsigned type of the same size as T, to read T's bytes into.
template <std::size_t N>
struct UnsignedOfSize;
template <>
struct UnsignedOfSize<1> {
    using type = std::uint8_t;
};
template <>
struct UnsignedOfSize<2> {
    using type = std::uint16_t;
};
template <>
struct UnsignedOfSize<4> {
    using type = std::uint32_t;
};
template <>
struct UnsignedOfSize<8> {
    using type = std::uint64_t;
};

// Integers and IEEE floating point, little-endian; bool strictly 0 or 1.
template <class T>
requires std::is_arithmetic_v<T>
void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& ar, T& value) {
    if constexpr (std::is_same_v<T, bool>) {
        value = ar.read_bool();
    } else {
        static_assert(!std::is_floating_point_v<T> || std::numeric_limits<T>::is_iec559,
                      "portable binary only carries IEEE 754 floating point");
        value = std::bit_cast<T>(ar.read_unsigned<typename UnsignedOfSize<sizeof(T)>::type>());
    }
}

// Class versions arrive wrapped in a name-value pair; binary carries no names.
template <class T>
void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& ar, cereal::NameValuePair<T>& pair) {
    ar(pair.value);
}

// The generic container length (see the file comment).
template <class T>
void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& ar, cereal::SizeTag<T>& tag) {
    tag.size = ar.read_count(1, "a container");
}

// Strings: length-checked, then one allocation and one copy.
template <class CharT, class Traits, class Alloc>
void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& ar,
                               std::basic_string<CharT, Traits, Alloc>& text) {
    static_assert(sizeof(CharT) == 1, "only 8-bit strings travel");
    const std::size_t size = ar.read_count(1, "a string");
    text.resize(size);
    ar.read_bytes(text.data(), size);
}

// Byte vectors, like strings. Any other vector is a list and loads through
// detail::ListField, which bounds it.
template <class T, class Alloc>
void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& ar, std::vector<T, Alloc>& items) {
    static_assert(std::is_same_v<T, unsigned char> || std::is_same_v<T, char> ||
                      std::is_same_v<T, signed char>,
                  "a list field is written detail::ListField{items, max, name} (messages.hpp)");
    const std::size_t size = ar.read_count(1, "a byte string");
    items.resize(size);
    ar.read_bytes(items.data(), size);
}

}  // namespace dspt::protocol::detail
