#include "client/sync/enrolment.hpp"

#include "client/sync/api_client.hpp"
#include "common/crypto/secret_key.hpp"
#include "common/error.hpp"

namespace dspt::client {

Enrolment enrol_device(LocalStore& store, Transport& transport, const protocol::EnrolmentCode& code,
                       const EnrolmentParams& params) {
    // Checked before the code is spent.
    if (params.again != load_identity(store).has_value()) {
        fail(params.again ? ErrorCode::failed_precondition : ErrorCode::already_exists,
             params.again ? "this store is not enrolled yet: run 'dspt enrol' without --again"
                          : "this store is already enrolled with a server (after its device "
                            "was revoked: 'dspt enrol --again --code CODE')");
    }
    const bool holds_key = load_organisation_key(store).has_value();
    Enrolment result;
    auto& identity = result.identity;
    identity.server_url = params.server_url;
    identity.ca_file = params.ca_file;
    // The same keys as an earlier attempt with this code whose answer was lost.
    auto keys = enrolment_keys(store, code.token_id());
    identity.signing = std::move(keys.signing);
    identity.box = std::move(keys.box);

    protocol::EnrolRequest request;
    request.token_id = code.token_id();
    request.auth_key = protocol::auth_key(code.secret());
    request.signing_public_key = identity.signing.public_key();
    request.box_public_key = identity.box.public_key();
    request.device_name = params.device_name.empty() ? store.info().site_name : params.device_name;

    ApiClient anonymous(transport);
    const auto response = anonymous.enrol(request);

    identity.device_id = response.device_id;
    identity.role = response.role;
    identity.organisation_ods = response.organisation_ods;
    identity.organisation_name = response.organisation_name;
    identity.site_ods = response.site_ods;
    identity.site_name = response.site_name;
    identity.partner_name = response.partner_name;

    // The server now knows this device: keep its keys, and the organisation key
    // it received or creates, in one transaction before anything else can fail.
    const bool shares_key = identity.role != protocol::Role::partner;
    std::optional<crypto::SecretKey> organisation_key;
    crypto::Bytes recovery_envelope;
    if (shares_key && !response.organisation_key_envelope.empty()) {
        try {
            organisation_key = protocol::open_organisation_key(
                code, protocol::CodePurpose::enrolment, response.organisation_key_envelope);
            result.received_key = true;
        } catch (const Error& e) {
            result.key_problem = std::string(
                                     "the organisation key sent with this code does not "
                                     "open (") +
                                 e.what() + "); ask for a new code, or run 'dspt recover-key'";
        }
    } else if (shares_key && !response.organisation_key_exists && !holds_key) {
        // The organisation's first device creates the organisation key.
        organisation_key = crypto::SecretKey::generate();
        result.recovery_code = protocol::EnrolmentCode::generate();
        recovery_envelope = protocol::seal_organisation_key(
            *result.recovery_code, protocol::CodePurpose::recovery, *organisation_key);
    }
    const OrganisationKeyState received{organisation_key ? &*organisation_key : nullptr,
                                        result.recovery_code ? &recovery_envelope : nullptr};
    if (identity.role == protocol::Role::branch && !params.again) {
        // A single-site provider's device sets the organisation profile, and
        // keeps what it set before it was enrolled (save_identity). When the
        // server cannot say, the device is taken for one that does not.
        bool single_site = false;
        try {
            const auto view = ApiClient(transport, identity.device_id, identity.signing)
                                  .organisation(identity.organisation_ods);
            single_site = !view.is_headquarters && view.sites.size() == 1 &&
                          view.sites.front().ods == identity.site_ods;
        } catch (const Error&) {
            single_site = false;
        }
        store.set_single_site_organisation(single_site);
    }
    if (params.again) {
        replace_identity(store, identity, received);
    } else {
        save_identity(store, identity, received);
    }
    return result;
}

}  // namespace dspt::client
