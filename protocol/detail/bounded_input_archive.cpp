#include "protocol/detail/bounded_input_archive.hpp"

#include <cstring>
#include <string>

#include "common/error.hpp"

namespace dspt::protocol::detail {

BoundedInputArchive::BoundedInputArchive(std::string_view payload)
    : cereal::InputArchive<BoundedInputArchive, cereal::AllowEmptyClassElision>(this),
      payload_(payload) {
    // cereal's portable binary archives begin with the writer's byte order;
    // encode() always writes little-endian (1), so one value has one encoding.
    if (remaining() == 0) {
        fail(ErrorCode::protocol, "the payload is empty (no byte-order byte)");
    }
    const auto order = read_unsigned<std::uint8_t>();
    if (order != 1) {
        fail(ErrorCode::protocol, "byte-order byte is " + std::to_string(order) +
                                      "; dsptsync payloads are little-endian (1)");
    }
}

void BoundedInputArchive::read_bytes(void* out, std::size_t n) {
    if (n > remaining()) {
        fail(ErrorCode::protocol, "the payload ends early: " + std::to_string(n) +
                                      " bytes needed at offset " + std::to_string(position_) +
                                      ", " + std::to_string(remaining()) + " left");
    }
    if (n != 0) {  // memcpy with a null out (an empty vector's data()) is UB even for 0 bytes
        std::memcpy(out, payload_.data() + position_, n);
    }
    position_ += n;
}

std::size_t BoundedInputArchive::read_count(std::size_t min_element_bytes, std::string_view what,
                                            std::size_t max_count) {
    const std::size_t at = position_;
    const auto count = read_unsigned<std::uint64_t>();
    if (count > max_count) {
        fail(ErrorCode::limit_exceeded, std::string(what) + " declares " + std::to_string(count) +
                                            " elements; a message carries at most " +
                                            std::to_string(max_count));
    }
    // Division, not count * min_element_bytes, which could overflow.
    if (count > remaining() / min_element_bytes) {
        fail(ErrorCode::protocol, std::string(what) + " at offset " + std::to_string(at) +
                                      " declares " + std::to_string(count) + " elements but only " +
                                      std::to_string(remaining()) + " bytes are left");
    }
    return static_cast<std::size_t>(count);
}

bool BoundedInputArchive::read_bool() {
    const std::size_t at = position_;
    const auto raw = read_unsigned<std::uint8_t>();
    if (raw > 1) {
        fail(ErrorCode::protocol, "a bool at offset " + std::to_string(at) + " holds " +
                                      std::to_string(raw) + " (only 0 and 1 are valid)");
    }
    return raw == 1;
}

}  // namespace dspt::protocol::detail
