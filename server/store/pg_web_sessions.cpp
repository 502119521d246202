// PgRepository: TODO: implemented in this file.

#include "common/error.hpp"
#include "server/store/pg_pool.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/pg_rows.hpp"

namespace dspt::server::store {

namespace {

[[noreturn]] void web_sessions_not_yet(const char* name) {
    fail(ErrorCode::internal, std::string("PgRepository::") + name + " is not written yet");
}

}  // namespace

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
void PgRepository::create_login_link(const LoginLink& link) {
    web_sessions_not_yet("create_login_link");
}

OpenedLink PgRepository::open_login_link(crypto::ByteView secret_hash,
                                         crypto::ByteView session_hash, std::int64_t at_ms,
                                         std::int64_t session_expires_at_ms) {
    web_sessions_not_yet("open_login_link");
}

std::optional<WebSession> PgRepository::find_web_session(crypto::ByteView id_hash) const {
    web_sessions_not_yet("find_web_session");
}

bool PgRepository::end_web_session(crypto::ByteView id_hash, std::int64_t at_ms) {
    web_sessions_not_yet("end_web_session");
}
#pragma GCC diagnostic pop

}  // namespace dspt::server::store
