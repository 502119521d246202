#pragma once
// Register keys on the wire and on the server (protocol/README.md, "Register
// keys"). A register is the unit that syncs and conflicts; its key says what
// it holds:
//
//   <year>/answer/<item>     an item's answer in one standards year
//   <year>/plan/<item>       an item's action-plan entry in one year
//   <year>/evidence/<uuid>   one evidence file's record in one year
//   profile/<field>          one fact of the organisation profile, the same
//                            for every year, organisation-wide only
//
// <year> is "YYYY-YY" naming consecutive years ("2025-26"); <item> an item id
// "S.A.N" as packs spell it; <uuid> a lower-case UUID; <field> one of
// kProfileFields. A client store keeps the key without its year
// (local_key()), because a store holds one year; the sync engine adds the
// year when it pushes and keeps only its own year's registers when it pulls.
//
// Everything here is pure and thread-safe.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dspt::protocol {

enum class RegisterKind : std::uint8_t { answer, plan, evidence, profile };

// "answer", "plan", "evidence", "profile".
[[nodiscard]] std::string_view to_string(RegisterKind kind) noexcept;

// The profile's fields, and what each holds ({"deleted": true} when unset):
//   cyber_essentials_plus          {"expires": "YYYY-MM-DD"}
//   security_lead                  {"name": "..."}
//   caldicott_guardian             {"name": "..."}
//   senior_information_risk_owner  {"name": "..."}
//   data_protection_officer        {"name": "..."}
//   nhsmail                        {"address": "someone@nhs.net"}
//   organisation_type              {"type": "care_home" | "homecare" | "both" | "other"}
inline constexpr std::string_view kProfileCyberEssentialsPlus = "cyber_essentials_plus";
inline constexpr std::string_view kProfileSecurityLead = "security_lead";
inline constexpr std::string_view kProfileCaldicottGuardian = "caldicott_guardian";
inline constexpr std::string_view kProfileSiro = "senior_information_risk_owner";
inline constexpr std::string_view kProfileDataProtectionOfficer = "data_protection_officer";
inline constexpr std::string_view kProfileNhsmail = "nhsmail";
inline constexpr std::string_view kProfileOrganisationType = "organisation_type";
// How people read an organisation_type value: "Care home", "Homecare", "Care home
// and homecare", "Other"; any other text as it is ("" stays "").
[[nodiscard]] std::string organisation_type_name(std::string_view type);

inline constexpr std::array<std::string_view, 7> kProfileFields{
    kProfileCyberEssentialsPlus,   kProfileSecurityLead, kProfileCaldicottGuardian, kProfileSiro,
    kProfileDataProtectionOfficer, kProfileNhsmail,      kProfileOrganisationType};

// The values of `organisation_type`, in the order lists show them.
inline constexpr std::array<std::string_view, 4> kOrganisationTypes{"care_home", "homecare", "both",
                                                                    "other"};

// True when `year` is "YYYY-YY" naming two consecutive years ("2025-26",
// "2099-00").
[[nodiscard]] bool is_valid_year(std::string_view year) noexcept;

struct RegisterKey {
    std::string year;  // "2025-26"; empty for a profile register
    RegisterKind kind = RegisterKind::answer;
    std::string name;  // the item id, evidence id or profile field

    // Whether the register belongs to one standards year (all but the profile).
    bool has_year() const noexcept { return kind != RegisterKind::profile; }

    // The key as sent and stored on the server: "2025-26/answer/1.1.1",
    // "profile/security_lead".
    std::string to_string() const;

    // The key without its year, as a client store keeps it: "answer/1.1.1".
    std::string local_key() const;

    // Parses a key in its wire form. Throws Error(ErrorCode::invalid_argument)
    // saying what is wrong with it.
    static RegisterKey parse(std::string_view key);

    // As parse(), but nullopt for a malformed key.
    static std::optional<RegisterKey> try_parse(std::string_view key);

    // The wire form of a client store's key in `year`: the year is added to
    // every key but a profile one. Throws as parse().
    static RegisterKey from_local(std::string_view local_key, std::string_view year);

    bool operator==(const RegisterKey&) const = default;
};

}  // namespace dspt::protocol
