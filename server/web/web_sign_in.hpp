#pragma once
// Signing a browser in (docs/security.md, "In transit"): a browser cannot sign requests as
// a device does, so a signed-in device asks for a login link (`dspt web-login`),
// and the link, opened once within kLoginLinkLifetimeMs, starts a session whose
// id the browser keeps in a cookie. The session acts as that device, with its
// role and scope, for the standards year of the device's store, until it
// expires (kWebSessionLifetimeMs), the browser signs out, or the device is
// revoked.
//
// Secrets: a link's secret and a session's id are 32 random bytes in unpadded
// base64url (43 characters); the store keeps only their BLAKE2b-256 hashes.
//
// Thread-safety: as the repository; the class holds no state of its own.

#include <cstdint>
#include <string>
#include <string_view>

#include "server/store/model.hpp"
#include "server/store/repository.hpp"

namespace dspt::server::web {

inline constexpr std::int64_t kLoginLinkLifetimeMs = 5LL * 60 * 1000;
inline constexpr std::int64_t kWebSessionLifetimeMs = 12LL * 60 * 60 * 1000;

// A new login link's secret, and when it stops working.
struct IssuedLink {
    std::string secret;
    std::int64_t expires_at_ms = 0;
};

// A session just opened: the id for the cookie, and the session as stored.
struct OpenedSession {
    store::LinkOutcome outcome = store::LinkOutcome::unknown;
    std::string session_id;  // only when opened
    store::WebSession session;
};

// A live session and the device it acts as.
struct SignedIn {
    store::Device device;
    store::WebSession session;
};

class WebSignIn {
  public:
    explicit WebSignIn(store::Repository& repository) : repository_(repository) {}

    // A login link for `device` showing `year` ("2025-26"). Throws
    // invalid_argument for a malformed year.
    IssuedLink issue(const store::Device& device, std::string_view year, std::int64_t now_ms) const;

    // Opens the link with `secret`: a new session, or why not (store::LinkOutcome).
    OpenedSession open(std::string_view secret, std::int64_t now_ms) const;

    // The live session with `session_id` and its device. Throws unauthenticated
    // when there is none: unknown, expired, signed out, or its device revoked.
    SignedIn signed_in(std::string_view session_id, std::int64_t now_ms) const;

    // Ends the session; false when there was no live session with that id.
    bool sign_out(std::string_view session_id, std::int64_t now_ms) const;

  private:
    store::Repository& repository_;
};

}  // namespace dspt::server::web
