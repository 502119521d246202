#pragma once
// Enrolling a store's device with a server (`dspt enrol`): presents the
// enrolment code's auth key with fresh device keys (the same keys again when an
// earlier attempt's answer was lost), and keeps what the server answered, with
// the organisation key, in the store. What the caller says to the user, and
// sending the recovery copy of a newly created organisation key
// (recovery_upload.hpp), stay with the caller.

#include <optional>
#include <string>

#include "client/store/identity_store.hpp"
#include "client/store/local_store.hpp"
#include "client/sync/transport.hpp"
#include "protocol/enrolment_code.hpp"

namespace dspt::client {

struct EnrolmentParams {
    std::string server_url;   // kept with the identity, as ServerUrl::to_string() gives it
    std::string ca_file;      // kept with the identity; empty: the system's roots
    std::string device_name;  // empty: the store's site name
    // `dspt enrol --again`: the store is enrolled already (its device revoked)
    // and takes the new identity, keeping its work (replace_identity).
    bool again = false;
};

// What enrolment gave the device besides its identity.
struct Enrolment {
    DeviceIdentity identity;
    // On the organisation's first device: the recovery code of the organisation
    // key it created, to show the user once. Its sealed copy waits in the store
    // until sent (send_pending_recovery).
    std::optional<protocol::EnrolmentCode> recovery_code;
    // The organisation key came with the code and opened.
    bool received_key = false;
    // Why the organisation key sent with the code did not open; empty when it did
    // or none came. The device is enrolled all the same.
    std::string key_problem;
};

// Enrols the store's device through `transport` (unsigned POST /v1/enrol) and,
// in one transaction, saves the identity and the organisation key it received
// or created. Partner devices never hold the organisation key. Throws what the
// server answered (unauthenticated, failed_precondition for a used or expired
// code, ...), network errors, and already_exists when the store is enrolled.
Enrolment enrol_device(LocalStore& store, Transport& transport, const protocol::EnrolmentCode& code,
                       const EnrolmentParams& params);

}  // namespace dspt::client
