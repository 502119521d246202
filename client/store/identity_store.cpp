#include "client/store/identity_store.hpp"

#include <nlohmann/json.hpp>

#include "client/store/local_store.hpp"
#include "client/store/meta_table.hpp"
#include "common/crypto/key_wrap.hpp"
#include "common/error.hpp"
#include "common/sqlite/transaction.hpp"

namespace dspt::client {

namespace {

constexpr std::string_view kDevice = "device";                     // sealed JSON
constexpr std::string_view kDeviceKeys = "device_keys";            // sealed: signing || box secret
constexpr std::string_view kOrganisationKey = "organisation_key";  // wrapped by the data key

std::string organisation_key_ad() {
    return FieldSealer::associated_data("meta", kOrganisationKey, "value");
}

std::string as_text(const crypto::Bytes& bytes) {
    return std::string(bytes.begin(), bytes.end());
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
    const auto keys = store.sealer().open("meta", kDeviceKeys, "value",
                                          crypto::as_byte_view(sealed), "device keys");
    const auto bytes = crypto::as_byte_view(keys);
    constexpr auto kSigning = crypto::SigningKeyPair::kSecretKeyBytes;
    constexpr auto kBox = crypto::BoxKeyPair::kSecretKeyBytes;
    if (bytes.size() != kSigning + kBox) {
        fail(ErrorCode::corrupt, "the store's device keys are damaged");
    }
    identity.signing = crypto::SigningKeyPair::from_secret_key(bytes.first(kSigning));
    identity.box = crypto::BoxKeyPair::from_secret_key(bytes.subspan(kSigning, kBox));
    return identity;
}

DeviceIdentity require_identity(LocalStore& store) {
    auto identity = load_identity(store);
    if (!identity) {
        fail(ErrorCode::failed_precondition,
             "this store is not enrolled with a server: run 'dspt enrol --server URL --code CODE'");
    }
    return std::move(*identity);
}

void save_identity(LocalStore& store, const DeviceIdentity& identity) {
    auto& db = store.database();
    sqlite::Transaction tx(db, sqlite::TransactionBehavior::immediate);
    if (meta::get(db, kDevice)) {
        fail(ErrorCode::already_exists, "this store is already enrolled with a server");
    }
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
    crypto::Bytes keys(identity.signing.secret_key().begin(), identity.signing.secret_key().end());
    keys.insert(keys.end(), identity.box.secret_key().begin(), identity.box.secret_key().end());
    const auto sealed = store.sealer().seal(
        "meta", kDeviceKeys, "value",
        std::string_view(reinterpret_cast<const char*>(keys.data()), keys.size()));
    std::fill(keys.begin(), keys.end(), 0);
    meta::set(db, kDeviceKeys, as_text(sealed));
    tx.commit();
}

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

}  // namespace dspt::client
