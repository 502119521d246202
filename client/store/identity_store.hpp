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

// Saves the identity; ErrorCode::already_exists when the store is already
// enrolled (a store belongs to one server and one device id for life).
void save_identity(LocalStore& store, const DeviceIdentity& identity);

std::optional<crypto::SecretKey> load_organisation_key(LocalStore& store);
void save_organisation_key(LocalStore& store, const crypto::SecretKey& key);

}  // namespace dspt::client
