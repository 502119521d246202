#pragma once
// Browser sign-in as plain values: the single-use login links a device makes with
// `dspt web-login`, and the sessions they open (server/web/web_sign_in.hpp).
//
// The store keeps only a BLAKE2b-256 hash of each link's secret and of each
// session's id, never the values themselves, so a copy of the database opens
// nothing. A link and a session act as the device that made the link, within its
// role and scope, for one standards year.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "common/crypto/bytes.hpp"

namespace dspt::server::store {

// The length of a stored secret hash.
inline constexpr std::size_t kWebHashBytes = 32;

// A login link: works once, up to and including expires_at_ms.
struct LoginLink {
    crypto::Bytes secret_hash;  // of the link's secret
    std::string device_id;      // the device that asked for it
    std::string year;           // the standards year its session shows, "2025-26"
    std::int64_t created_at_ms = 0;
    std::int64_t expires_at_ms = 0;
    std::optional<std::int64_t> used_at_ms;

    bool operator==(const LoginLink&) const = default;
};

// A browser's session, opened by a login link; it works up to and including
// expires_at_ms unless revoked first (signed out).
struct WebSession {
    crypto::Bytes id_hash;  // of the session id the cookie carries
    std::string device_id;
    std::string year;
    std::int64_t created_at_ms = 0;
    std::int64_t expires_at_ms = 0;
    std::optional<std::int64_t> revoked_at_ms;

    bool live_at(std::int64_t at_ms) const noexcept {
        return !revoked_at_ms.has_value() && at_ms <= expires_at_ms;
    }

    bool operator==(const WebSession&) const = default;
};

// What opening a login link came to. Only `opened` opens a session.
enum class LinkOutcome {
    opened,
    unknown,         // no link has that secret
    used,            // opened before
    expired,         // past its expires_at_ms
    device_revoked,  // the device that made it has been revoked
};

struct OpenedLink {
    LinkOutcome outcome = LinkOutcome::unknown;
    WebSession session;  // the new session when opened; empty otherwise
};

}  // namespace dspt::server::store
