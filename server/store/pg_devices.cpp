// PgRepository: TODO: implemented in this file.

#include "common/error.hpp"
#include "server/store/pg_pool.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/pg_rows.hpp"

namespace dspt::server::store {

namespace {

[[noreturn]] void devices_not_yet(const char* name) {
    fail(ErrorCode::internal, std::string("PgRepository::") + name + " is not written yet");
}

}  // namespace

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
void PgRepository::create_token(const EnrolmentToken& token) {
    devices_not_yet("create_token");
}

std::optional<EnrolmentToken> PgRepository::find_token(std::string_view token_id) const {
    devices_not_yet("find_token");
}

Device PgRepository::enrol_device(std::string_view token_id, crypto::ByteView verifier,
                                  const Device& device, std::int64_t at_ms) {
    devices_not_yet("enrol_device");
}

std::optional<Device> PgRepository::find_device(std::string_view id) const {
    devices_not_yet("find_device");
}

std::vector<Device> PgRepository::list_devices() const {
    devices_not_yet("list_devices");
}

void PgRepository::revoke_device(std::string_view id, std::int64_t at_ms) {
    devices_not_yet("revoke_device");
}

std::vector<EnrolmentToken> PgRepository::usable_tokens(std::string_view organisation_ods,
                                                        std::string_view created_by,
                                                        std::int64_t now_ms) const {
    devices_not_yet("usable_tokens");
}

EnrolmentToken PgRepository::void_token(std::string_view token_id, std::string_view created_by,
                                        std::int64_t at_ms) {
    devices_not_yet("void_token");
}

void PgRepository::put_recovery_envelope(std::string_view organisation_ods, crypto::ByteView sealed,
                                         std::string_view device_id, std::int64_t at_ms) {
    devices_not_yet("put_recovery_envelope");
}

std::optional<RecoveryEnvelope> PgRepository::find_recovery_envelope(
    std::string_view organisation_ods) const {
    devices_not_yet("find_recovery_envelope");
}

bool PgRepository::remember_nonce(std::string_view device_id, std::string_view nonce,
                                  std::int64_t at_ms, std::int64_t window_ms) {
    devices_not_yet("remember_nonce");
}
#pragma GCC diagnostic pop

}  // namespace dspt::server::store
