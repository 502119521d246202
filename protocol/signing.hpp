#pragma once
// Request signatures: what a device signs and the headers that carry it
// (docs/security.md, "In transit").
//
// Every request after enrolment carries four headers:
//   X-Dspt-Device     the device id the server assigned (EnrolResponse)
//   X-Dspt-Timestamp  Unix milliseconds, canonical decimal ("1718000000123")
//   X-Dspt-Nonce      16 random bytes as 32 lower-hex characters
//   X-Dspt-Signature  base64url, unpadded, of the 64-byte Ed25519 signature
//                     of canonical_request(...), which includes the device id
//
// This header defines the format only. The policy (known, unrevoked device;
// timestamp within the server's window; nonce not seen before) is the
// server's (server/auth/authenticator.hpp).
//
// Thread safety: stateless; call from any thread.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/crypto/bytes.hpp"
#include "common/crypto/signer.hpp"

namespace dspt::protocol {

inline constexpr std::string_view kDeviceHeader = "X-Dspt-Device";
inline constexpr std::string_view kTimestampHeader = "X-Dspt-Timestamp";
inline constexpr std::string_view kNonceHeader = "X-Dspt-Nonce";
inline constexpr std::string_view kSignatureHeader = "X-Dspt-Signature";

// The first line of every canonical string; a new scheme gets a new label.
// DSPT-SIG-2 (protocol version 2) signs the device id too; DSPT-SIG-1
// (protocol version 1) did not, so one device's signature could be presented
// under another device id holding the same public key.
inline constexpr std::string_view kSignatureScheme = "DSPT-SIG-2";
inline constexpr std::string_view kPreviousSignatureScheme = "DSPT-SIG-1";

inline constexpr std::size_t kNonceBytes = 16;
inline constexpr std::size_t kNonceChars = 2 * kNonceBytes;

// The longest device id the headers carry (the server assigns UUIDs, 36).
inline constexpr std::size_t kMaxDeviceIdChars = 64;

// The string a device signs:
//
//   "DSPT-SIG-2\n" device-id "\n" method "\n" target "\n" timestamp "\n" nonce "\n"
//   body-hash
//
// where device-id is the X-Dspt-Device value, target is the request target
// exactly as sent (path and query), timestamp is the decimal of timestamp_ms
// (as std::to_string writes it) and body-hash is the lower-hex BLAKE2b-256 of
// the body (of zero bytes when there is none). No trailing newline. Throws
// Error(ErrorCode::invalid_argument) when device_id, method, target or
// nonce_hex contains '\n', which would make two different requests share one
// string.
[[nodiscard]] std::string canonical_request(std::string_view device_id, std::string_view method,
                                            std::string_view target, std::int64_t timestamp_ms,
                                            std::string_view nonce_hex, std::string_view body);

// The four header values, ready to set under the k*Header names.
struct SignedHeaders {
    std::string device_id;
    std::string timestamp;  // decimal Unix milliseconds
    std::string nonce;      // 32 lower-hex characters
    std::string signature;  // base64url of 64 bytes (86 characters)
};

// Signs a request as device_id at now_ms with a fresh random nonce. Throws
// Error(ErrorCode::invalid_argument) for a device id that is_valid_device_id
// refuses, a negative now_ms, or a '\n' in method or target.
[[nodiscard]] SignedHeaders sign_request(const crypto::SigningKeyPair& signing,
                                         std::string_view device_id, std::string_view method,
                                         std::string_view target, std::string_view body,
                                         std::int64_t now_ms);

// A fresh nonce: kNonceBytes random bytes in lower hex.
[[nodiscard]] std::string new_nonce();

// True for exactly kNonceChars lower-hex characters.
[[nodiscard]] bool is_valid_nonce(std::string_view nonce) noexcept;

// True for 1 to kMaxDeviceIdChars characters from A-Z a-z 0-9 '-' '_' '.'.
[[nodiscard]] bool is_valid_device_id(std::string_view device_id) noexcept;

// The four headers of a request, checked for form and decoded.
struct RequestSignature {
    std::string device_id;
    std::int64_t timestamp_ms = 0;
    std::string nonce;
    crypto::Bytes signature;  // 64 bytes
};

// Checks the form of the four header values (empty when absent) and decodes
// them. Throws Error(ErrorCode::unauthenticated) naming the first bad header:
// a missing header, a device id is_valid_device_id refuses, a timestamp that
// is not the canonical decimal of a positive 64-bit integer (no sign, no
// leading zeros, no spaces), a nonce is_valid_nonce refuses, or a signature
// that is not base64url of exactly 64 bytes.
[[nodiscard]] RequestSignature parse_signed_headers(std::string_view device_id,
                                                    std::string_view timestamp,
                                                    std::string_view nonce,
                                                    std::string_view signature);

// True when signature.signature is public_key's Ed25519 signature of the
// canonical string of this request, signature.device_id included. False
// (never throws) for a wrong key, any changed part (another device id
// among them), or a method or target containing '\n'.
[[nodiscard]] bool verify_request(crypto::ByteView public_key, const RequestSignature& signature,
                                  std::string_view method, std::string_view target,
                                  std::string_view body);

// True when the signature is instead one of protocol version 1's scheme
// (DSPT-SIG-1: the same string without the device id line), as a client not
// yet updated sends. Never a reason to accept a request: a server uses it only
// to tell such a client to update.
[[nodiscard]] bool is_previous_scheme_signature(crypto::ByteView public_key,
                                                const RequestSignature& signature,
                                                std::string_view method, std::string_view target,
                                                std::string_view body);

}  // namespace dspt::protocol
