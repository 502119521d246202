#pragma once
// Signing a browser in: the answer to a device's request for a login link
// (POST /v1/web/login-links?year=<year>). The link opens the signed-in
// dashboard once, within five minutes, as that device (server/web/web_sign_in.hpp).

#include <cstdint>
#include <string>
#include <string_view>

#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>

#include "protocol/messages.hpp"

namespace dspt::protocol {

struct WebLoginLink {
    static constexpr MessageType kType = MessageType::web_login_link;
    static constexpr std::string_view kName = "WebLoginLink";
    static constexpr std::uint32_t kVersion = 1;

    // The link's path and query on the server, "/web/login?token=<secret>": the
    // client puts the server's address it uses in front.
    std::string path;
    std::int64_t expires_at_ms = 0;  // the server's clock; it works up to this time

    bool operator==(const WebLoginLink&) const = default;

    template <class Archive>
    void serialize(Archive& ar, std::uint32_t const version) {
        detail::check_class_version(kName, version, kVersion);
        ar(path, expires_at_ms);
    }
};

}  // namespace dspt::protocol

CEREAL_CLASS_VERSION(dspt::protocol::WebLoginLink, dspt::protocol::WebLoginLink::kVersion)
