#include "protocol/register_key.hpp"

#include <algorithm>
#include <vector>

#include "common/error.hpp"
#include "common/standards/validation.hpp"
#include "common/standards/year.hpp"

namespace dspt::protocol {

namespace {

using standards::detail::quote_for_message;

constexpr std::array<RegisterKind, 3> kYearKinds{RegisterKind::answer, RegisterKind::plan,
                                                 RegisterKind::evidence};

std::vector<std::string_view> split(std::string_view key) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const auto slash = key.find('/', start);
        parts.push_back(key.substr(start, slash - start));
        if (slash == std::string_view::npos) {
            return parts;
        }
        start = slash + 1;
    }
}

bool is_lower_uuid(std::string_view text) noexcept {
    if (text.size() != 36) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

std::string profile_fields() {
    std::string names;
    for (const auto field : kProfileFields) {
        names += (names.empty() ? "" : ", ") + std::string(field);
    }
    return names;
}

// The reason `key` is not a register key, or nullopt when it is one (then
// `out` holds it).
std::optional<std::string> check(std::string_view key, RegisterKey& out) {
    const auto parts = split(key);
    if (parts[0] == to_string(RegisterKind::profile)) {
        if (parts.size() != 2) {
            return std::string("a profile register's key is profile/<field>");
        }
        const auto field = std::find(kProfileFields.begin(), kProfileFields.end(), parts[1]);
        if (field == kProfileFields.end()) {
            return "the profile has no field " + quote_for_message(parts[1]) + " (it has " +
                   profile_fields() + ")";
        }
        out = {"", RegisterKind::profile, std::string(parts[1])};
        return std::nullopt;
    }
    if (parts.size() != 3) {
        return std::string("it is not <year>/answer|plan|evidence/<name> or profile/<field>");
    }
    if (!is_valid_year(parts[0])) {
        return quote_for_message(parts[0]) +
               " is not a standards year (YYYY-YY naming consecutive years, e.g. 2025-26)";
    }
    const auto kind = std::find_if(kYearKinds.begin(), kYearKinds.end(),
                                   [&](RegisterKind k) { return to_string(k) == parts[1]; });
    if (kind == kYearKinds.end()) {
        return quote_for_message(parts[1]) + " is not answer, plan or evidence";
    }
    if (*kind == RegisterKind::evidence ? !is_lower_uuid(parts[2])
                                        : !standards::detail::parse_item_id(parts[2])) {
        return quote_for_message(parts[2]) + (*kind == RegisterKind::evidence
                                                  ? " is not an evidence id (a lower-case UUID)"
                                                  : " is not an item id (S.A.N, e.g. 1.1.1)");
    }
    out = {std::string(parts[0]), *kind, std::string(parts[2])};
    return std::nullopt;
}

}  // namespace

std::string_view to_string(RegisterKind kind) noexcept {
    switch (kind) {
        case RegisterKind::answer:
            return "answer";
        case RegisterKind::plan:
            return "plan";
        case RegisterKind::evidence:
            return "evidence";
        case RegisterKind::profile:
            return "profile";
    }
    return "?";
}

std::string organisation_type_name(std::string_view type) {
    if (type == "care_home") {
        return "Care home";
    }
    if (type == "homecare") {
        return "Homecare";
    }
    if (type == "both") {
        return "Care home and homecare";
    }
    return type == "other" ? "Other" : std::string(type);
}

bool is_valid_year(std::string_view year) noexcept {
    return standards::is_valid_year(year);
}

std::string RegisterKey::to_string() const {
    return has_year() ? year + "/" + local_key() : local_key();
}

std::string RegisterKey::local_key() const {
    return std::string(protocol::to_string(kind)) + "/" + name;
}

RegisterKey RegisterKey::parse(std::string_view key) {
    RegisterKey parsed;
    if (const auto problem = check(key, parsed)) {
        fail(ErrorCode::invalid_argument,
             "register key " + quote_for_message(key) + " is malformed: " + *problem);
    }
    return parsed;
}

std::optional<RegisterKey> RegisterKey::try_parse(std::string_view key) {
    RegisterKey parsed;
    if (check(key, parsed)) {
        return std::nullopt;
    }
    return parsed;
}

RegisterKey RegisterKey::from_local(std::string_view local_key, std::string_view year) {
    const auto profile = std::string(protocol::to_string(RegisterKind::profile)) + "/";
    if (local_key.starts_with(profile)) {
        return parse(local_key);
    }
    return parse(std::string(year) + "/" + std::string(local_key));
}

}  // namespace dspt::protocol
