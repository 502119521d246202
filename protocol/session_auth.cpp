#include "protocol/session_auth.hpp"

#include <string>

#include "common/crypto/blake2b.hpp"
#include "common/crypto/encoding.hpp"
#include "common/crypto/random.hpp"
#include "common/error.hpp"
#include "protocol/detail/request_text.hpp"

namespace dspt::protocol {

using detail::malformed;
using detail::require_single_line;

namespace {

std::string session_canonical_from_hash(std::string_view session_id, std::string_view method,
                                        std::string_view target, std::uint64_t counter,
                                        std::string_view body_hash) {
    require_single_line(session_id, "the session id");
    require_single_line(method, "the method");
    require_single_line(target, "the target");
    std::string out;
    out.reserve(kSessionScheme.size() + session_id.size() + method.size() + target.size() + 96);
    out.append(kSessionScheme).push_back('\n');
    out.append(session_id).push_back('\n');
    out.append(method).push_back('\n');
    out.append(target).push_back('\n');
    out.append(std::to_string(counter)).push_back('\n');
    out.append(body_hash);
    return out;
}

}  // namespace

std::string canonical_session_request(std::string_view session_id, std::string_view method,
                                      std::string_view target, std::uint64_t counter,
                                      std::string_view body) {
    return session_canonical_from_hash(session_id, method, target, counter,
                                       detail::body_hash(body));
}

std::string request_body_hash(std::string_view body) {
    return detail::body_hash(body);
}

SessionHeaders mac_request(const crypto::MacKey& key, std::string_view session_id,
                           std::uint64_t counter, std::string_view method, std::string_view target,
                           std::string_view body) {
    return mac_request_with_body_hash(key, session_id, counter, method, target,
                                      detail::body_hash(body));
}

SessionHeaders mac_request_with_body_hash(const crypto::MacKey& key, std::string_view session_id,
                                          std::uint64_t counter, std::string_view method,
                                          std::string_view target, std::string_view body_hash) {
    if (!is_valid_session_id(session_id)) {
        fail(ErrorCode::invalid_argument,
             "not a valid session id: '" + std::string(session_id) + "'");
    }
    if (counter == 0) {
        fail(ErrorCode::invalid_argument, "a session's counter starts at 1");
    }
    const auto canonical =
        session_canonical_from_hash(session_id, method, target, counter, body_hash);
    SessionHeaders headers;
    headers.session_id = std::string(session_id);
    headers.counter = std::to_string(counter);
    headers.mac = crypto::to_base64(crypto::mac(key, crypto::as_byte_view(canonical)));
    return headers;
}

std::string new_session_id() {
    return crypto::to_hex(crypto::random_bytes(kSessionIdBytes));
}

bool is_valid_session_id(std::string_view session_id) noexcept {
    return detail::is_lower_hex(session_id, kSessionIdChars);
}

SessionProof parse_session_headers(std::string_view session_id, std::string_view counter,
                                   std::string_view mac) {
    if (session_id.empty() || counter.empty() || mac.empty()) {
        fail(ErrorCode::unauthenticated, "the request is not authenticated (missing " +
                                             std::string(session_id.empty() ? kSessionHeader
                                                         : counter.empty()  ? kCounterHeader
                                                                            : kMacHeader) +
                                             " header)");
    }
    SessionProof proof;
    if (!is_valid_session_id(session_id)) {
        malformed(kSessionHeader, "expected 32 lower-case hex characters");
    }
    proof.session_id = std::string(session_id);
    const auto value = detail::positive_decimal(counter);
    if (!value) {
        malformed(kCounterHeader, "expected a positive decimal number");
    }
    proof.counter = static_cast<std::uint64_t>(*value);
    try {
        proof.mac = crypto::from_base64(mac);
    } catch (const Error&) {
        malformed(kMacHeader, "expected base64url");
    }
    if (proof.mac.size() != crypto::kMacBytes) {
        malformed(kMacHeader, "expected a 32-byte MAC");
    }
    return proof;
}

bool verify_session_request(const crypto::MacKey& key, const SessionProof& proof,
                            std::string_view method, std::string_view target,
                            std::string_view body) {
    if (!detail::all_single_line({proof.session_id, method, target})) {
        return false;
    }
    const auto canonical =
        canonical_session_request(proof.session_id, method, target, proof.counter, body);
    return crypto::verify_mac(key, crypto::as_byte_view(canonical), proof.mac);
}

bool verify_session_request_digest(const crypto::MacKey& key, const SessionProof& proof,
                                   std::string_view method, std::string_view target,
                                   crypto::ByteView body_digest) {
    if (body_digest.size() != crypto::kBlake2bDefaultBytes ||
        !detail::all_single_line({proof.session_id, method, target})) {
        return false;
    }
    const auto canonical = session_canonical_from_hash(proof.session_id, method, target,
                                                       proof.counter, crypto::to_hex(body_digest));
    return crypto::verify_mac(key, crypto::as_byte_view(canonical), proof.mac);
}

std::string with_session_key(std::string_view target, crypto::ByteView public_key) {
    std::string out(target);
    out.append(target.find('?') == std::string_view::npos ? "?" : "&")
        .append(kSessionKeyParameter)
        .append("=")
        .append(crypto::to_base64(public_key));
    return out;
}

std::optional<crypto::Bytes> session_key_parameter(std::string_view query) {
    while (!query.empty()) {
        const auto end = query.find('&');
        const auto pair = query.substr(0, end);
        query = end == std::string_view::npos ? std::string_view{} : query.substr(end + 1);
        if (pair.size() <= kSessionKeyParameter.size() || !pair.starts_with(kSessionKeyParameter) ||
            pair[kSessionKeyParameter.size()] != '=') {
            continue;
        }
        auto key = crypto::from_base64(pair.substr(kSessionKeyParameter.size() + 1));
        if (key.size() != crypto::kSessionPublicKeyBytes) {
            fail(ErrorCode::invalid_argument, "the session_key parameter is not a 32-byte key");
        }
        return key;
    }
    return std::nullopt;
}

std::string format_session_offer(const SessionOffer& offer) {
    return offer.session_id + "." + crypto::to_base64(offer.server_public_key) + "." +
           std::to_string(offer.lifetime_ms);
}

SessionOffer parse_session_offer(std::string_view value) {
    const auto first = value.find('.');
    const auto second = first == std::string_view::npos ? first : value.find('.', first + 1);
    SessionOffer offer;
    try {
        if (second == std::string_view::npos) {
            fail(ErrorCode::invalid_argument, "three parts expected");
        }
        offer.session_id = std::string(value.substr(0, first));
        offer.server_public_key = crypto::from_base64(value.substr(first + 1, second - first - 1));
        const auto lifetime = value.substr(second + 1);
        if (lifetime.empty() || lifetime.size() > 15 ||
            lifetime.find_first_not_of("0123456789") != std::string_view::npos ||
            lifetime.front() == '0') {
            fail(ErrorCode::invalid_argument, "a bad lifetime");
        }
        offer.lifetime_ms = std::stoll(std::string(lifetime));
    } catch (const Error& e) {
        fail(ErrorCode::protocol,
             std::string("the server's session offer is malformed: ") + e.what());
    }
    if (!is_valid_session_id(offer.session_id) ||
        offer.server_public_key.size() != crypto::kSessionPublicKeyBytes) {
        fail(ErrorCode::protocol, "the server's session offer is malformed");
    }
    return offer;
}

}  // namespace dspt::protocol
