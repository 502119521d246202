#include "protocol/signing.hpp"

#include <string>

#include "common/crypto/encoding.hpp"
#include "common/crypto/random.hpp"
#include "common/error.hpp"
#include "protocol/detail/request_text.hpp"

namespace dspt::protocol {

namespace {

using detail::malformed;
using detail::require_single_line;

std::int64_t parse_timestamp(std::string_view text) {
    const auto value = detail::positive_decimal(text);
    if (!value) {
        malformed(kTimestampHeader, "expected decimal Unix milliseconds");
    }
    return *value;
}

// The canonical string of `scheme`; DSPT-SIG-1's has no device id line.
std::string canonical_string(std::string_view scheme, std::string_view device_id,
                             std::string_view method, std::string_view target,
                             std::int64_t timestamp_ms, std::string_view nonce_hex,
                             std::string_view body) {
    require_single_line(device_id, "the device id");
    require_single_line(method, "the method");
    require_single_line(target, "the target");
    require_single_line(nonce_hex, "the nonce");
    std::string out;
    out.reserve(scheme.size() + device_id.size() + method.size() + target.size() +
                nonce_hex.size() + 96);
    out.append(scheme).push_back('\n');
    if (scheme != kPreviousSignatureScheme) {
        out.append(device_id).push_back('\n');
    }
    out.append(method).push_back('\n');
    out.append(target).push_back('\n');
    out.append(std::to_string(timestamp_ms)).push_back('\n');
    out.append(nonce_hex).push_back('\n');
    out.append(detail::body_hash(body));
    return out;
}

bool verify_scheme(std::string_view scheme, crypto::ByteView public_key,
                   const RequestSignature& signature, std::string_view method,
                   std::string_view target, std::string_view body) {
    if (!detail::all_single_line({signature.device_id, method, target, signature.nonce})) {
        return false;
    }
    const std::string canonical = canonical_string(scheme, signature.device_id, method, target,
                                                   signature.timestamp_ms, signature.nonce, body);
    return crypto::verify(public_key, crypto::as_byte_view(canonical), signature.signature);
}

}  // namespace

std::string canonical_request(std::string_view device_id, std::string_view method,
                              std::string_view target, std::int64_t timestamp_ms,
                              std::string_view nonce_hex, std::string_view body) {
    return canonical_string(kSignatureScheme, device_id, method, target, timestamp_ms, nonce_hex,
                            body);
}

std::string new_nonce() {
    return crypto::to_hex(crypto::random_bytes(kNonceBytes));
}

bool is_valid_nonce(std::string_view nonce) noexcept {
    return detail::is_lower_hex(nonce, kNonceChars);
}

bool is_valid_device_id(std::string_view device_id) noexcept {
    if (device_id.empty() || device_id.size() > kMaxDeviceIdChars) {
        return false;
    }
    for (const char c : device_id) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        if (!ok) {
            return false;
        }
    }
    return true;
}

SignedHeaders sign_request(const crypto::SigningKeyPair& signing, std::string_view device_id,
                           std::string_view method, std::string_view target, std::string_view body,
                           std::int64_t now_ms) {
    if (!is_valid_device_id(device_id)) {
        fail(ErrorCode::invalid_argument,
             "not a valid device id: '" + std::string(device_id) + "'");
    }
    if (now_ms < 0) {
        fail(ErrorCode::invalid_argument, "a request cannot be signed before 1970");
    }
    SignedHeaders headers;
    headers.device_id = std::string(device_id);
    headers.timestamp = std::to_string(now_ms);
    headers.nonce = new_nonce();
    const std::string canonical =
        canonical_request(device_id, method, target, now_ms, headers.nonce, body);
    headers.signature = crypto::to_base64(signing.sign(crypto::as_byte_view(canonical)));
    return headers;
}

RequestSignature parse_signed_headers(std::string_view device_id, std::string_view timestamp,
                                      std::string_view nonce, std::string_view signature) {
    if (device_id.empty() || timestamp.empty() || nonce.empty() || signature.empty()) {
        fail(ErrorCode::unauthenticated, "the request is not signed (missing " +
                                             std::string(device_id.empty()   ? kDeviceHeader
                                                         : timestamp.empty() ? kTimestampHeader
                                                         : nonce.empty()     ? kNonceHeader
                                                                             : kSignatureHeader) +
                                             " header)");
    }
    RequestSignature parsed;
    if (!is_valid_device_id(device_id)) {
        malformed(kDeviceHeader, "expected up to 64 letters, digits, '-', '_' or '.'");
    }
    parsed.device_id = std::string(device_id);
    parsed.timestamp_ms = parse_timestamp(timestamp);
    if (!is_valid_nonce(nonce)) {
        malformed(kNonceHeader, "expected 32 lower-case hex characters");
    }
    parsed.nonce = std::string(nonce);
    try {
        parsed.signature = crypto::from_base64(signature);
    } catch (const Error&) {
        malformed(kSignatureHeader, "expected base64url");
    }
    if (parsed.signature.size() != crypto::SigningKeyPair::kSignatureBytes) {
        malformed(kSignatureHeader, "expected a 64-byte signature");
    }
    return parsed;
}

bool verify_request(crypto::ByteView public_key, const RequestSignature& signature,
                    std::string_view method, std::string_view target, std::string_view body) {
    return verify_scheme(kSignatureScheme, public_key, signature, method, target, body);
}

bool is_previous_scheme_signature(crypto::ByteView public_key, const RequestSignature& signature,
                                  std::string_view method, std::string_view target,
                                  std::string_view body) {
    return verify_scheme(kPreviousSignatureScheme, public_key, signature, method, target, body);
}

}  // namespace dspt::protocol
