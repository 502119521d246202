#pragma once
// The organisation profile's text facts (docs/domain.md, "The organisation
// profile"): the named roles the toolkit's profile asks for, the
// organisation's NHSmail address and its type. Each is one profile register
// (protocol/register_key.hpp) whose JSON value holds the text under one key.
// The Cyber Essentials Plus expiry, a date, is kept apart
// (LocalStore::cyber_essentials_plus_expires).
//
// Pure; safe from any thread.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dspt::client {

struct ProfileTextField {
    std::string_view field;     // the register's name, protocol::kProfile...
    std::string_view json_key;  // where its value holds the text: "name", "address", "type"
    std::string_view label;     // for people: "Caldicott Guardian"
};

// Every text field, in the order `dspt profile` shows them.
const std::vector<ProfileTextField>& profile_text_fields();

// The field named `field`, or nullptr.
const ProfileTextField* find_profile_text_field(std::string_view field);

// `raw` as it is kept: a name trimmed, non-empty and at most 200 bytes; an
// NHSmail address trimmed, lower-cased, one '@', a name of letters, digits and
// . _ - + ' before it and nhs.net after it; an organisation type one of
// care_home, homecare, both, other (spaces and hyphens read as '_', any case).
// Error(ErrorCode::invalid_argument) saying what the field needs otherwise.
std::string normalise_profile_text(const ProfileTextField& field, std::string_view raw);

// Whether a value received from another device is one normalise_profile_text()
// keeps unchanged.
bool is_profile_text(const ProfileTextField& field, std::string_view value);

// The organisation type for people: "Care home", "Homecare", "Care home and
// homecare", "Other".
std::string organisation_type_name(std::string_view type);

}  // namespace dspt::client
