#pragma once
// Opening a request session (POST /v1/session, docs/security.md "Request
// sessions"): the device sends an ephemeral X25519 public key in a request it
// signs; the server answers with its own, the session's id and how long it
// lives. Both sides then derive the key that MACs the device's requests
// (common/crypto/session_key.hpp, protocol/session_auth.hpp).

#include <cstdint>
#include <string>
#include <string_view>

#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "protocol/messages.hpp"

namespace dspt::protocol {

struct SessionRequest {
    static constexpr MessageType kType = MessageType::session_request;
    static constexpr std::string_view kName = "SessionRequest";
    static constexpr std::uint32_t kVersion = 1;

    Bytes client_public_key;  // X25519 (crypto_kx), 32 bytes, made for this session

    bool operator==(const SessionRequest&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(client_public_key);
    }
};

struct SessionOffer {
    static constexpr MessageType kType = MessageType::session_offer;
    static constexpr std::string_view kName = "SessionOffer";
    static constexpr std::uint32_t kVersion = 1;

    std::string session_id;        // the X-Dspt-Session value (32 lower hex)
    Bytes server_public_key;       // X25519 (crypto_kx), 32 bytes, made for this session
    std::int64_t lifetime_ms = 0;  // from the server's answer; after it, open another

    bool operator==(const SessionOffer&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(session_id, server_public_key, lifetime_ms);
    }
};

}  // namespace dspt::protocol

CEREAL_CLASS_VERSION(dspt::protocol::SessionRequest, dspt::protocol::SessionRequest::kVersion)
CEREAL_CLASS_VERSION(dspt::protocol::SessionOffer, dspt::protocol::SessionOffer::kVersion)
