#include "server/store/web_checks.hpp"

#include <string>

#include "common/error.hpp"
#include "common/standards/year.hpp"
#include "server/store/model.hpp"

namespace dspt::server::store {

void validate_web_hash(crypto::ByteView hash, std::string_view what) {
    if (hash.size() != kWebHashBytes) {
        fail(ErrorCode::invalid_argument, std::string(what) + " must be a " +
                                              std::to_string(kWebHashBytes) + "-byte hash, not " +
                                              std::to_string(hash.size()) + " bytes");
    }
}

void validate_new_login_link(const LoginLink& link) {
    validate_web_hash(link.secret_hash, "a login link's secret hash");
    validate_device_id(link.device_id);
    if (!standards::is_valid_year(link.year)) {
        fail(ErrorCode::invalid_argument,
             "a standards year is written like 2025-26, not \"" + link.year + "\"");
    }
    if (link.expires_at_ms <= link.created_at_ms || link.used_at_ms) {
        fail(ErrorCode::invalid_argument,
             "a new login link must expire after it is created and be unused");
    }
}

void validate_new_session(crypto::ByteView session_hash, std::int64_t at_ms,
                          std::int64_t session_expires_at_ms) {
    validate_web_hash(session_hash, "a session id's hash");
    if (session_expires_at_ms <= at_ms) {
        fail(ErrorCode::invalid_argument, "a session must expire after it opens");
    }
}

}  // namespace dspt::server::store
