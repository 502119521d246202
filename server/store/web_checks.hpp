#pragma once
// The checks both stores make of login links and sessions before storing them, and how
// long they keep them past their expiry.

#include <cstdint>
#include <string_view>

#include "common/crypto/bytes.hpp"
#include "server/store/web_model.hpp"

namespace dspt::server::store {

// Links and sessions stay this long after they expire, then go.
inline constexpr std::int64_t kKeepExpiredWebMs = 24LL * 60 * 60 * 1000;

// Throws invalid_argument unless `hash` is kWebHashBytes long; `what` names it.
void validate_web_hash(crypto::ByteView hash, std::string_view what);

// Throws invalid_argument unless `link` can be stored as a new login link.
void validate_new_login_link(const LoginLink& link);

// Throws invalid_argument unless a session can open at `at_ms` with this id hash and
// expiry.
void validate_new_session(crypto::ByteView session_hash, std::int64_t at_ms,
                          std::int64_t session_expires_at_ms);

}  // namespace dspt::server::store
