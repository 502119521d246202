#pragma once
// Requests authenticated by a session key: what a device MACs and the headers
// that carry it (docs/security.md, "Request sessions").
//
// A device opens a session with one signed POST /v1/session
// (protocol/session_messages.hpp) and then sends, on every request:
//   X-Dspt-Session  the session id from SessionOffer (32 lower hex)
//   X-Dspt-Counter  1, 2, 3, ...: a new one for each request, canonical decimal
//   X-Dspt-Mac      base64url, unpadded, of the 32-byte keyed BLAKE2b-256 of
//                   canonical_session_request(...) under the session's key
//
// This header defines the format only. The policy (a live session, an unrevoked
// device, a counter not used before) is the server's
// (server/auth/authenticator.hpp).
//
// Thread safety: stateless; call from any thread.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/crypto/bytes.hpp"
#include "common/crypto/session_key.hpp"
#include "protocol/session_messages.hpp"

namespace dspt::protocol {

inline constexpr std::string_view kSessionHeader = "X-Dspt-Session";
inline constexpr std::string_view kCounterHeader = "X-Dspt-Counter";
inline constexpr std::string_view kMacHeader = "X-Dspt-Mac";

// A refusal because the server does not hold the session (never opened on that
// server process, expired, dropped) is 401 with this field in its JSON error
// body: {"error": "unauthenticated", "message": "...", "session": "new"}. The
// device then opens a new session and sends the request again, once.
inline constexpr std::string_view kSessionRefusalField = "session";
inline constexpr std::string_view kSessionRefusalNew = "new";

// The first line of the MACed string; a new scheme gets a new label.
inline constexpr std::string_view kSessionScheme = "DSPT-MAC-1";

inline constexpr std::size_t kSessionIdBytes = 16;
inline constexpr std::size_t kSessionIdChars = 2 * kSessionIdBytes;

// The string a device MACs:
//
//   "DSPT-MAC-1\n" session-id "\n" method "\n" target "\n" counter "\n" body-hash
//
// with the same rules as canonical_request (protocol/signing.hpp): target exactly
// as sent, counter in decimal, body-hash the lower-hex BLAKE2b-256 of the body. No
// trailing newline. Throws Error(ErrorCode::invalid_argument) when the session id,
// method or target contains '\n'.
[[nodiscard]] std::string canonical_session_request(std::string_view session_id,
                                                    std::string_view method,
                                                    std::string_view target, std::uint64_t counter,
                                                    std::string_view body);

// The three header values, ready to set under the k*Header names.
struct SessionHeaders {
    std::string session_id;
    std::string counter;  // decimal
    std::string mac;      // base64url of 32 bytes (43 characters)
};

// MACs a request in session `session_id` as its `counter`th. Throws
// Error(ErrorCode::invalid_argument) for a session id is_valid_session_id
// refuses, a counter of 0, or a '\n' in method or target.
[[nodiscard]] SessionHeaders mac_request(const crypto::MacKey& key, std::string_view session_id,
                                         std::uint64_t counter, std::string_view method,
                                         std::string_view target, std::string_view body);

// The body-hash of canonical_session_request: the lower-hex BLAKE2b-256 of `body`.
[[nodiscard]] std::string request_body_hash(std::string_view body);

// As mac_request, for a body whose request_body_hash is `body_hash`: a caller that
// worked it out ahead (while an earlier request travelled) does not hash the body
// again.
[[nodiscard]] SessionHeaders mac_request_with_body_hash(
    const crypto::MacKey& key, std::string_view session_id, std::uint64_t counter,
    std::string_view method, std::string_view target, std::string_view body_hash);

// A fresh session id: kSessionIdBytes random bytes in lower hex.
[[nodiscard]] std::string new_session_id();

// True for exactly kSessionIdChars lower-hex characters.
[[nodiscard]] bool is_valid_session_id(std::string_view session_id) noexcept;

// The three headers of a request, checked for form and decoded.
struct SessionProof {
    std::string session_id;
    std::uint64_t counter = 0;
    crypto::Bytes mac;  // 32 bytes
};

// Checks the form of the three header values (empty when absent) and decodes
// them. Throws Error(ErrorCode::unauthenticated) naming the first bad header: a
// missing one, a session id is_valid_session_id refuses, a counter that is not
// the canonical decimal of a positive 64-bit integer, or a MAC that is not
// base64url of exactly 32 bytes.
[[nodiscard]] SessionProof parse_session_headers(std::string_view session_id,
                                                 std::string_view counter, std::string_view mac);

// True when proof.mac is the MAC under `key` of this request's canonical string.
// False (never throws) for a wrong key, any changed part, or a method or target
// containing '\n'.
[[nodiscard]] bool verify_session_request(const crypto::MacKey& key, const SessionProof& proof,
                                          std::string_view method, std::string_view target,
                                          std::string_view body);

// As verify_session_request, with the body given by its BLAKE2b-256 digest
// (32 bytes, as the server hashed the body while it arrived) rather than its
// bytes. A digest of any other length verifies nothing.
[[nodiscard]] bool verify_session_request_digest(const crypto::MacKey& key,
                                                 const SessionProof& proof, std::string_view method,
                                                 std::string_view target,
                                                 crypto::ByteView body_digest);

// Opening a session inside a signed request (protocol version 2 clients;
// protocol/README.md "Request sessions"): the device adds its ephemeral public
// key to the request's target as the query parameter
//   session_key=<base64url of the 32-byte X25519 key>
// which the request's signature covers, and a server that knows the parameter
// adds to its successful answer
//   X-Dspt-Session-Offer: <session id>.<base64url server public key>.<lifetime ms>
// and X-Dspt-Session: <session id> (for a proxy keeping sessions on one process).
// A server that does not know the parameter ignores it and offers nothing.
inline constexpr std::string_view kSessionKeyParameter = "session_key";
inline constexpr std::string_view kSessionOfferHeader = "X-Dspt-Session-Offer";

// `target` with the session_key parameter added.
[[nodiscard]] std::string with_session_key(std::string_view target, crypto::ByteView public_key);

// The session_key parameter of a request's query ("a=1&session_key=..."), when
// there is one; Error(ErrorCode::invalid_argument) when it is not base64url of
// kSessionPublicKeyBytes bytes.
[[nodiscard]] std::optional<crypto::Bytes> session_key_parameter(std::string_view query);

// The X-Dspt-Session-Offer value of `offer`, and back. parse_session_offer throws
// Error(ErrorCode::protocol) for any other form.
[[nodiscard]] std::string format_session_offer(const SessionOffer& offer);
[[nodiscard]] SessionOffer parse_session_offer(std::string_view value);

}  // namespace dspt::protocol
