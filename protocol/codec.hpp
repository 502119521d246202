#pragma once
// Encoding and strict decoding of protocol messages.
//
// Every message travels in an envelope (all integers big-endian):
//
//   offset  size  field
//   0       4     magic "DSPT"
//   4       2     protocol version (version.hpp), u16
//   6       2     message type (MessageType), u16
//   8       4     payload length N, u32
//   12      N     payload: the message in cereal's portable binary archive,
//                 little-endian (one byte 0x01 for the byte order, then the
//                 fields in serialize() order; see protocol/README.md)
//
// decode<T> accepts exactly what encode<T> produces and nothing else. Every
// refusal is a dspt::Error with a message that says what was wrong:
//   ErrorCode::limit_exceeded  the input is longer than max_bytes;
//   ErrorCode::protocol        a truncated header, a wrong magic ("not a
//                              dsptsync message"), an unsupported protocol
//                              version, a message of another type ("expected
//                              EnrolRequest, got Identity"), a payload length
//                              that disagrees with the input (truncated payload
//                              or trailing bytes), or a payload that does not
//                              decode as T using every one of its bytes
//                              (a length past the end, an unknown role, a bool
//                              that is neither 0 nor 1, an unknown class version).
// A declared length inside the payload is checked against the bytes that are
// actually there before anything is allocated, so decode's memory use is
// bounded by a small multiple of the input size whatever the input claims
// (detail/bounded_input_archive.hpp).
//
// Encoding is deterministic: the same message gives the same bytes, and
// encode(decode<T>(bytes)) == bytes for every bytes that decode<T> accepts.
//
// encode and decode are instantiated in codec.cpp for every type in
// AllMessages (message_list.hpp); another type fails to link.
//
// Thread safety: stateless; call from any thread.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/limits.hpp"
#include "protocol/messages.hpp"

namespace dspt::protocol {

// The first four bytes of every message.
inline constexpr std::string_view kMagic = "DSPT";

// The fixed part of a message, as read_header found it.
struct EnvelopeHeader {
    std::uint16_t version = 0;
    MessageType type{};  // may be a value this build does not know
    std::uint32_t payload_bytes = 0;
};

// Checks and returns the envelope header of bytes: the limit, the length of the
// header, the magic and the version, with the errors listed above. The type is
// returned as found and the payload is not examined, so a router can learn
// what a body holds before choosing a decode<T>.
[[nodiscard]] EnvelopeHeader read_header(std::string_view bytes,
                                         std::size_t max_bytes = kMaxMessageBytes);

// message in its envelope, at the current protocol version. Throws
// Error(ErrorCode::limit_exceeded) when the result would exceed
// kMaxMessageBytes (no peer would accept it).
template <Message T>
[[nodiscard]] std::string encode(const T& message);

// The T that bytes holds; see the file comment for every refusal.
template <Message T>
[[nodiscard]] T decode(std::string_view bytes, std::size_t max_bytes = kMaxMessageBytes);

}  // namespace dspt::protocol
