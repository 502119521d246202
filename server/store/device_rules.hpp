#pragma once
// The checks on enrolment codes, devices and what devices send that every repository
// implementation makes, in the order and with the errors repository.hpp gives:
// redeeming a code (enrol_device), cancelling one (void_token), revoking a device,
// keeping a recovery envelope and remembering a nonce. The repository reads what they
// need inside its transaction; these decide.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/crypto/bytes.hpp"
#include "server/store/model.hpp"

namespace dspt::server::store {

// The token id as it may appear in a message: validate_new_token's form, else a
// placeholder (find and enrol take ids straight from requests).
std::string token_label(std::string_view token_id);

// What to do when a code no longer works: whom to ask for a new one, the command
// they run, and the one to run on the device after.
std::string new_code_step(const EnrolmentToken& token);

// create_token's check of the site it names, as read: registered, and a site of the
// token's organisation. `site_ods` has been validated.
void check_token_site(const std::optional<Site>& site, std::string_view site_ods,
                      std::string_view organisation_ods);

// What enrol_device's checks read, inside the caller's transaction.
class EnrolmentReader {
  public:
    virtual ~EnrolmentReader() = default;
    // The device with that id, live or revoked. The store keeps it from being revoked
    // by others until its transaction ends.
    virtual std::optional<Device> find_device(std::string_view id) = 0;
    // Whether any device, live or revoked, holds the signing or the box public key.
    virtual bool public_key_enrolled(const Device& device) = 0;
};

// enrol_device's checks after validate_device, in its order: the token exists, the
// verifier is its own, it is neither used, expired nor cancelled, its maker is not
// revoked, the device matches its scope and neither its id nor its keys are enrolled.
// Returns the token.
const EnrolmentToken& check_enrolment(const std::optional<EnrolmentToken>& token,
                                      std::string_view token_id, crypto::ByteView verifier,
                                      const Device& device, std::int64_t at_ms,
                                      EnrolmentReader& reader);

// Throws already_exists: a device with the id or keys of `device` was enrolled by
// another writer between the checks and the insert.
[[noreturn]] void fail_device_enrolled_meanwhile(const Device& device);

// Throws internal: marking the checked token used changed no row.
[[noreturn]] void fail_token_changed(const EnrolmentToken& token);

// void_token's checks: the token exists and, with `created_by` not "", that creator
// made it (another creator's code is not_found); it is neither used nor cancelled.
// Returns the token.
const EnrolmentToken& check_voidable(const std::optional<EnrolmentToken>& token,
                                     std::string_view token_id, std::string_view created_by);

// revoke_device's checks on the device read under its lock: it is enrolled and not
// yet revoked. `id` has been validated.
void check_revocable(const std::optional<Device>& device, std::string_view id);

// put_recovery_envelope's checks on its arguments (invalid_argument).
void validate_recovery_envelope(std::string_view organisation_ods, crypto::ByteView sealed,
                                std::string_view device_id);

// put_recovery_envelope's already_exists, naming who put the one kept and when.
[[noreturn]] void fail_recovery_envelope_kept(std::string_view organisation_ods,
                                              std::string_view stored_by_device,
                                              std::int64_t stored_at_ms);

// remember_nonce deletes entries older than its window once every this many calls of a
// repository (of a process, on PostgreSQL), the first call included.
inline constexpr std::uint64_t kNoncePruneInterval = 1024;

// remember_nonce's checks on its arguments (invalid_argument). Returns the start of
// the window: nonces used at or after it are replays.
std::int64_t nonce_window_start(std::string_view device_id, std::string_view nonce,
                                std::int64_t at_ms, std::int64_t window_ms);

}  // namespace dspt::server::store
