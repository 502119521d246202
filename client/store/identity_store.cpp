#include "client/store/identity_store.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "client/store/local_store.hpp"
#include "client/store/meta_table.hpp"
#include "common/crypto/key_wrap.hpp"
#include "common/crypto/random.hpp"
#include "common/crypto/secure_buffer.hpp"
#include "common/error.hpp"
#include "common/sqlite/transaction.hpp"

namespace dspt::client {

namespace {

constexpr std::string_view kDevice = "device";                     // sealed JSON
constexpr std::string_view kDeviceKeys = "device_keys";            // sealed: signing || box secret
constexpr std::string_view kOrganisationKey = "organisation_key";  // wrapped by the data key
constexpr std::string_view kPendingRecovery = "pending_recovery";  // sealed envelope
constexpr std::string_view kPendingEnrolment = "pending_enrolment";  // sealed token id + keys

std::string organisation_key_ad() {
    return FieldSealer::associated_data("meta", kOrganisationKey, "value");
}

std::string as_text(const crypto::Bytes& bytes) {
    return std::string(bytes.begin(), bytes.end());
}

// The bytes of a guarded buffer, to seal them without copying them.
std::string_view as_text_view(const crypto::SecureBuffer& buffer) {
    return {reinterpret_cast<const char*>(buffer.view().data()), buffer.size()};
}

constexpr auto kSigningSecretBytes = crypto::SigningKeyPair::kSecretKeyBytes;
constexpr auto kBoxSecretBytes = crypto::BoxKeyPair::kSecretKeyBytes;

// signing secret key || box secret key
crypto::SecureBuffer secret_keys(const crypto::SigningKeyPair& signing,
                                 const crypto::BoxKeyPair& box) {
    crypto::SecureBuffer keys(kSigningSecretBytes + kBoxSecretBytes);
    auto out = keys.mutable_view();
    std::copy(signing.secret_key().begin(), signing.secret_key().end(), out.begin());
    std::copy(box.secret_key().begin(), box.secret_key().end(), out.begin() + kSigningSecretBytes);
    return keys;
}

}  // namespace

std::optional<DeviceIdentity> load_identity(LocalStore& store) {
    auto& db = store.database();
    const auto sealed_device = meta::get(db, kDevice);
    if (!sealed_device) {
        return std::nullopt;
    }
    const auto json = nlohmann::json::parse(
        store.sealer().open("meta", kDevice, "value", crypto::as_byte_view(*sealed_device),
                            "device record"),
        nullptr, false);
    std::optional<protocol::Role> role;
    try {
        if (json.is_object() && json.contains("role") && json["role"].is_string()) {
            role = protocol::parse_role(json["role"].get<std::string>());
        }
    } catch (const Error&) {
    }
    if (!role) {
        fail(ErrorCode::corrupt, "the store's device record is damaged");
    }
    DeviceIdentity identity;
    identity.server_url = json.value("server_url", "");
    identity.ca_file = json.value("ca_file", "");
    identity.device_id = json.value("device_id", "");
    identity.role = *role;
    identity.organisation_ods = json.value("organisation_ods", "");
    identity.organisation_name = json.value("organisation_name", "");
    identity.site_ods = json.value("site_ods", "");
    identity.site_name = json.value("site_name", "");
    identity.partner_name = json.value("partner_name", "");

    const auto sealed = meta::require(db, kDeviceKeys);
    const auto keys = store.sealer().open_secret("meta", kDeviceKeys, "value",
                                                 crypto::as_byte_view(sealed), "device keys");
    const auto bytes = keys.view();
    constexpr auto kSigning = crypto::SigningKeyPair::kSecretKeyBytes;
    constexpr auto kBox = crypto::BoxKeyPair::kSecretKeyBytes;
    if (bytes.size() != kSigning + kBox) {
        fail(ErrorCode::corrupt, "the store's device keys are damaged");
    }
    identity.signing = crypto::SigningKeyPair::from_secret_key(bytes.first(kSigning));
    identity.box = crypto::BoxKeyPair::from_secret_key(bytes.subspan(kSigning, kBox));
    return identity;
}

DeviceKeys enrolment_keys(LocalStore& store, const std::string& token_id) {
    if (store.info().archived) {
        fail(ErrorCode::failed_precondition, "this is the kept copy of the finished " +
                                                 store.info().year +
                                                 " assessment: it is not enrolled with a server");
    }
    auto& db = store.database();
    sqlite::Transaction tx(db, sqlite::TransactionBehavior::immediate);
    if (const auto sealed = meta::get(db, kPendingEnrolment)) {
        const auto kept = store.sealer().open_secret(
            "meta", kPendingEnrolment, "value", crypto::as_byte_view(*sealed), "enrolment keys");
        const auto bytes = kept.view();
        if (bytes.size() == token_id.size() + kSigningSecretBytes + kBoxSecretBytes &&
            std::equal(token_id.begin(), token_id.end(), bytes.begin())) {
            const auto keys = bytes.subspan(token_id.size());
            return {crypto::SigningKeyPair::from_secret_key(keys.first(kSigningSecretBytes)),
                    crypto::BoxKeyPair::from_secret_key(
                        keys.subspan(kSigningSecretBytes, kBoxSecretBytes))};
        }
    }
    DeviceKeys keys{crypto::SigningKeyPair::generate(), crypto::BoxKeyPair::generate()};
    // token id || signing secret key || box secret key, in guarded memory
    const auto secrets = secret_keys(keys.signing, keys.box);
    crypto::SecureBuffer record(token_id.size() + secrets.size());
    auto out = record.mutable_view();
    std::copy(token_id.begin(), token_id.end(), out.begin());
    std::copy(secrets.view().begin(), secrets.view().end(), out.begin() + token_id.size());
    meta::set(
        db, kPendingEnrolment,
        as_text(store.sealer().seal("meta", kPendingEnrolment, "value", as_text_view(record))));
    tx.commit();
    return keys;
}

DeviceIdentity require_identity(LocalStore& store) {
    auto identity = load_identity(store);
    if (!identity) {
        fail(ErrorCode::failed_precondition,
             "this store is not enrolled with a server: run 'dspt enrol --server URL --code CODE'");
    }
    return std::move(*identity);
}

namespace {

// Writes the identity and what came with it; inside the caller's transaction.
void write_identity(LocalStore& store, const DeviceIdentity& identity,
                    OrganisationKeyState organisation);

}  // namespace

void save_identity(LocalStore& store, const DeviceIdentity& identity,
                   OrganisationKeyState organisation) {
    auto& db = store.database();
    sqlite::Transaction tx(db, sqlite::TransactionBehavior::immediate);
    if (meta::get(db, kDevice)) {
        fail(ErrorCode::already_exists, "this store is already enrolled with a server");
    }
    write_identity(store, identity, organisation);
    tx.commit();
}

void replace_identity(LocalStore& store, const DeviceIdentity& identity,
                      OrganisationKeyState organisation) {
    auto& db = store.database();
    sqlite::Transaction tx(db, sqlite::TransactionBehavior::immediate);
    const auto old = load_identity(store);
    if (!old) {
        fail(ErrorCode::failed_precondition,
             "this store is not enrolled yet: run 'dspt enrol' without --again");
    }
    const auto whose = [](const DeviceIdentity& who) {
        return std::string(protocol::to_string(who.role)) + " device of " +
               (who.site_ods.empty() ? who.organisation_ods : who.site_ods);
    };
    if (identity.organisation_ods != old->organisation_ods || identity.role != old->role ||
        identity.site_ods != old->site_ods) {
        fail(ErrorCode::failed_precondition,
             "the code enrolled a " + whose(identity) + ", but this store is a " + whose(*old) +
                 "'s; nothing changed here (ask the organisation to revoke device " +
                 identity.device_id + ")");
    }
    meta::erase(db, kDevice);
    meta::erase(db, kDeviceKeys);
    store.outbox().rehome(crypto::random_uuid());
    write_identity(store, identity, organisation);
    tx.commit();
}

namespace {

void write_identity(LocalStore& store, const DeviceIdentity& identity,
                    OrganisationKeyState organisation) {
    auto& db = store.database();
    const nlohmann::json json = {{"server_url", identity.server_url},
                                 {"ca_file", identity.ca_file},
                                 {"device_id", identity.device_id},
                                 {"role", protocol::to_string(identity.role)},
                                 {"organisation_ods", identity.organisation_ods},
                                 {"organisation_name", identity.organisation_name},
                                 {"site_ods", identity.site_ods},
                                 {"site_name", identity.site_name},
                                 {"partner_name", identity.partner_name}};
    meta::set(db, kDevice, as_text(store.sealer().seal("meta", kDevice, "value", json.dump())));
    const auto keys = secret_keys(identity.signing, identity.box);
    const auto sealed = store.sealer().seal("meta", kDeviceKeys, "value", as_text_view(keys));
    meta::set(db, kDeviceKeys, as_text(sealed));
    meta::erase(db, kPendingEnrolment);
    // A session kept for the identity before this one is not this identity's.
    meta::erase(db, meta::kRequestSession);
    if (organisation.key != nullptr) {
        save_organisation_key(store, *organisation.key);
    }
    if (organisation.pending_recovery_envelope != nullptr) {
        const auto& envelope = *organisation.pending_recovery_envelope;
        meta::set(db, kPendingRecovery,
                  as_text(store.sealer().seal(
                      "meta", kPendingRecovery, "value",
                      std::string_view(reinterpret_cast<const char*>(envelope.data()),
                                       envelope.size()))));
    }
    // Only headquarters, and a single-site provider's device, write the
    // organisation profile: what another store set for itself before it was
    // enrolled stays shown here but is never sent.
    const bool writes_profile =
        identity.role == protocol::Role::headquarters ||
        (identity.role == protocol::Role::branch && store.single_site_organisation());
    if (!writes_profile) {
        store.outbox().discard_unsent(
            [](const OutboxEntry& entry) { return entry.register_key.starts_with("profile/"); });
    }
}

}  // namespace

std::optional<crypto::SecretKey> load_organisation_key(LocalStore& store) {
    const auto wrapped = meta::get(store.database(), kOrganisationKey);
    if (!wrapped) {
        return std::nullopt;
    }
    try {
        return crypto::unwrap_key(store.data_key(), crypto::as_byte_view(*wrapped),
                                  crypto::as_byte_view(organisation_key_ad()));
    } catch (const Error& e) {
        if (e.code() != ErrorCode::authentication_failed) {
            throw;
        }
        fail(ErrorCode::corrupt, "the stored organisation key fails its integrity check");
    }
}

void save_organisation_key(LocalStore& store, const crypto::SecretKey& key) {
    const auto wrapped =
        crypto::wrap_key(store.data_key(), key, crypto::as_byte_view(organisation_key_ad()));
    meta::set(store.database(), kOrganisationKey, as_text(wrapped));
}

std::optional<crypto::Bytes> pending_recovery_envelope(LocalStore& store) {
    const auto sealed = meta::get(store.database(), kPendingRecovery);
    if (!sealed) {
        return std::nullopt;
    }
    const auto envelope = store.sealer().open("meta", kPendingRecovery, "value",
                                              crypto::as_byte_view(*sealed), "recovery copy");
    return crypto::Bytes(envelope.begin(), envelope.end());
}

void clear_pending_recovery_envelope(LocalStore& store) {
    meta::erase(store.database(), kPendingRecovery);
}

}  // namespace dspt::client
