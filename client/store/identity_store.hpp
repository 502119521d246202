#pragma once
// This installation's identity with a server, kept in the local store after
// `dspt enrol`: the server's address, the device id and role the server gave,
// the device's Ed25519 and X25519 key pairs, and the organisation key.
//
// Everything is sealed under the data key like every other field, so a changed
// server address or device id reads as a damaged store, not as a new identity.

#include <optional>
#include <string>

#include "common/crypto/sealed_box.hpp"
#include "common/crypto/secret_key.hpp"
#include "common/crypto/signer.hpp"
#include "protocol/messages.hpp"

namespace dspt::client {

class LocalStore;

struct DeviceIdentity {
    std::string server_url;  // "https://dspt.example.org"
    std::string ca_file;     // a certificate to trust for that server; empty: the system's
    std::string device_id;
    protocol::Role role = protocol::Role::branch;
    std::string organisation_ods;
    std::string organisation_name;
    std::string site_ods;  // branch devices only
    std::string site_name;
    std::string partner_name;  // partner devices only
    crypto::SigningKeyPair signing;
    crypto::BoxKeyPair box;
};

// The identity, or nullopt before enrolment.
std::optional<DeviceIdentity> load_identity(LocalStore& store);

// The identity; ErrorCode::failed_precondition ("enrol this device first")
// before enrolment.
DeviceIdentity require_identity(LocalStore& store);

// The key pairs of an enrolment under way with the code `token_id`: the ones
// kept by an earlier attempt whose answer was lost, or new ones, kept before
// they are sent, so a retry presents the same keys and gets the same answer.
struct DeviceKeys {
    crypto::SigningKeyPair signing;
    crypto::BoxKeyPair box;
};
DeviceKeys enrolment_keys(LocalStore& store, const std::string& token_id);

// What a device receives or creates with its identity: the organisation key,
// and, on the organisation's first device, the recovery copy of that key still
// to be sent to the server.
struct OrganisationKeyState {
    const crypto::SecretKey* key = nullptr;
    const crypto::Bytes* pending_recovery_envelope = nullptr;
};

// Saves the identity, and with it `organisation`, in one transaction, so a
// device is never enrolled without the key it created; forgets the enrolment
// keys kept by enrolment_keys(). ErrorCode::already_exists when
// the store is already enrolled (a store belongs to one server and one device
// id for life). A device enrolled other than as headquarters drops the
// organisation profile changes it has not sent (Outbox::discard_unsent): only
// headquarters writes the profile, and a single-site provider's branch device
// (LocalStore::single_site_organisation(), recorded before this is called).
void save_identity(LocalStore& store, const DeviceIdentity& identity,
                   OrganisationKeyState keys = {});

// Replaces the identity of an enrolled store with a new enrolment's (`dspt
// enrol --again`, after the organisation revoked the device), in one
// transaction: the new identity must be of the same organisation, role and
// site (failed_precondition otherwise, and nothing changes). The store keeps
// its answers, evidence and unsent changes, which move to a new replica
// (Outbox::rehome); the organisation key it holds stays unless `keys` brings
// one. Open the store again afterwards.
void replace_identity(LocalStore& store, const DeviceIdentity& identity,
                      OrganisationKeyState keys = {});

std::optional<crypto::SecretKey> load_organisation_key(LocalStore& store);
void save_organisation_key(LocalStore& store, const crypto::SecretKey& key);

// The recovery copy of the organisation key that the server has not yet
// confirmed, if any; cleared once it has.
std::optional<crypto::Bytes> pending_recovery_envelope(LocalStore& store);
void clear_pending_recovery_envelope(LocalStore& store);

}  // namespace dspt::client
