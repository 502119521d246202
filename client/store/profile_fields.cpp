#include "client/store/profile_fields.hpp"

#include <algorithm>
#include <array>

#include "common/error.hpp"
#include "common/text.hpp"
#include "protocol/register_key.hpp"

namespace dspt::client {

namespace {

constexpr std::size_t kMaxNameBytes = 200;
constexpr std::size_t kMaxAddressBytes = 254;  // RFC 5321's path limit, less the brackets
constexpr std::string_view kNhsmailDomain = "nhs.net";
using protocol::kOrganisationTypes;

bool is_address_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
           c == '+' || c == '\'';
}

std::string normalise_address(std::string_view raw) {
    const auto address = ascii_lower(trim(raw));
    const auto at = address.find('@');
    const auto bad = [&](const std::string& why) {
        fail(ErrorCode::invalid_argument,
             "\"" + std::string(trim(raw)).substr(0, 80) + "\" is not an NHSmail address: " + why);
    };
    if (address.size() > kMaxAddressBytes) {
        bad("it is longer than " + std::to_string(kMaxAddressBytes) + " characters");
    }
    if (at == std::string::npos || address.find('@', at + 1) != std::string::npos) {
        bad("an address has one @, as in care.home@nhs.net");
    }
    const auto local = std::string_view(address).substr(0, at);
    if (local.empty() || local.front() == '.' || local.back() == '.' ||
        local.find("..") != std::string_view::npos ||
        !std::all_of(local.begin(), local.end(), is_address_char)) {
        bad("the part before @ is letters, digits and . _ - + ' (not at either end)");
    }
    if (std::string_view(address).substr(at + 1) != kNhsmailDomain) {
        bad("an NHSmail address ends @nhs.net");
    }
    return address;
}

std::string normalise_type(std::string_view raw) {
    auto type = ascii_lower(trim(raw));
    std::replace(type.begin(), type.end(), ' ', '_');
    std::replace(type.begin(), type.end(), '-', '_');
    if (std::find(kOrganisationTypes.begin(), kOrganisationTypes.end(), type) ==
        kOrganisationTypes.end()) {
        fail(ErrorCode::invalid_argument,
             "the organisation type is one of care_home, homecare, both or other, not \"" +
                 std::string(trim(raw)).substr(0, 80) + "\"");
    }
    return type;
}

std::string normalise_name(const ProfileTextField& field, std::string_view raw) {
    const std::string name(trim(raw));
    if (name.empty()) {
        fail(ErrorCode::invalid_argument, "the " + std::string(field.label) + "'s name is empty");
    }
    if (name.size() > kMaxNameBytes) {
        fail(ErrorCode::invalid_argument, "the " + std::string(field.label) +
                                              "'s name is longer than " +
                                              std::to_string(kMaxNameBytes) + " bytes");
    }
    return name;
}

}  // namespace

const std::vector<ProfileTextField>& profile_text_fields() {
    static const std::vector<ProfileTextField> fields{
        {protocol::kProfileOrganisationType, "type", "organisation type"},
        {protocol::kProfileNhsmail, "address", "NHSmail address"},
        {protocol::kProfileSecurityLead, "name", "security lead"},
        {protocol::kProfileCaldicottGuardian, "name", "Caldicott Guardian"},
        {protocol::kProfileSiro, "name", "Senior Information Risk Owner"},
        {protocol::kProfileDataProtectionOfficer, "name", "Data Protection Officer"},
    };
    return fields;
}

const ProfileTextField* find_profile_text_field(std::string_view field) {
    for (const auto& candidate : profile_text_fields()) {
        if (candidate.field == field) {
            return &candidate;
        }
    }
    return nullptr;
}

std::string normalise_profile_text(const ProfileTextField& field, std::string_view raw) {
    if (field.field == protocol::kProfileNhsmail) {
        return normalise_address(raw);
    }
    if (field.field == protocol::kProfileOrganisationType) {
        return normalise_type(raw);
    }
    return normalise_name(field, raw);
}

bool is_profile_text(const ProfileTextField& field, std::string_view value) {
    try {
        return normalise_profile_text(field, value) == value;
    } catch (const Error&) {
        return false;
    }
}

std::string organisation_type_name(std::string_view type) {
    return protocol::organisation_type_name(type);
}

}  // namespace dspt::client
