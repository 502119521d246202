#pragma once
// Enrolment of devices and the organisation key's envelopes
// (docs/security.md, "Enrolment codes and recovery codes" and "Evidence end to end").
//
// An enrolment code is "<token id>-<secret>". The server stores only a
// verifier, BLAKE2b-256 of an authentication key derived from the secret; the
// enrolling device sends that authentication key, never the secret. The key
// that seals the organisation key for the device is derived from the secret
// by another, one-way path, so the server can never open an envelope.
//
// Codes are single use and expire. Codes made on the server host (admin) enrol
// an organisation's first devices and partners' devices; an enrolled device
// invites further devices of its own organisation and leaves the organisation
// key sealed for them. Partners never receive the organisation key.
//
// Thread-safety: all methods may run concurrently; the repository makes
// enrolment atomic (a code is consumed exactly once).

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "protocol/messages.hpp"
#include "server/auth/access_policy.hpp"
#include "server/store/model.hpp"
#include "server/store/repository.hpp"

namespace dspt::server::auth {

// How long codes stay valid unless told otherwise.
inline constexpr std::chrono::seconds kDefaultAdminCodeLifetime{7 * 86400};
inline constexpr std::chrono::seconds kDefaultInviteLifetime{72 * 3600};
inline constexpr std::chrono::seconds kMaxCodeLifetime{30 * 86400};

struct AdminCode {
    std::string code;  // "<token id>-<secret>": shown once, stored nowhere
    store::EnrolmentToken token;
};

class EnrolmentService {
  public:
    using Clock = std::function<std::int64_t()>;

    EnrolmentService(store::Repository& repository, const AccessPolicy& policy, Clock clock);

    // A code made on the server host: a headquarters device (`site_ods` empty)
    // or a branch device of `site_ods` for `organisation_ods`, or a partner's
    // device (`partner_name` set, the others empty).
    AdminCode create_admin_code(const std::string& organisation_ods, const std::string& site_ods,
                                const std::string& partner_name,
                                std::chrono::seconds lifetime = kDefaultAdminCodeLifetime);

    // Redeems a code: stores the device and answers with its id, role and scope,
    // and the organisation key's envelope left by the inviting device. A wrong
    // or unknown code is unauthenticated; a used or expired one fails its
    // precondition. A retry with the same code and the same public keys, before
    // the code expires, gets the first answer again, so an answer lost on the
    // network does not cost the device its code.
    protocol::EnrolResponse enrol(const protocol::EnrolRequest& request);

    protocol::InviteResponse invite(const store::Device& inviter,
                                    const protocol::InviteRequest& request);

    // The codes `device` made that still work (neither used, cancelled nor
    // expired), oldest first; never their secrets, which the server has not.
    protocol::InviteList invites(const store::Device& device);

    // Cancels a code `device` made and nobody used. A code it did not make is
    // not_found, as one that does not exist; a used or cancelled one fails its
    // precondition.
    protocol::InviteView cancel_invite(const store::Device& device, std::string_view token_id);

    void put_recovery(const store::Device& device, const protocol::KeyEnvelope& envelope);
    protocol::KeyEnvelope recovery(const store::Device& device);

    // What the server knows of a device, as sent to it.
    protocol::Identity identity(const store::Device& device);

  private:
    // The answer to the device enrolled with `token`.
    protocol::EnrolResponse response_for(const store::Device& device,
                                         const store::EnrolmentToken& token) const;

    store::Repository& repository_;
    const AccessPolicy& policy_;
    Clock clock_;
};

}  // namespace dspt::server::auth
