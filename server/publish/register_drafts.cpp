#include "server/publish/register_drafts.hpp"

#include <nlohmann/json.hpp>

namespace dspt::server::publish {

namespace {

const assessment::Assessment kEmpty;

// The JSON object a register shows, or nullopt when it is deleted or unreadable.
std::optional<nlohmann::json> shown_object(const store::Register& reg) {
    auto value = nlohmann::json::parse(reg.shown().payload, nullptr, false);
    if (value.is_discarded() || !value.is_object() || value.value("deleted", false)) {
        return std::nullopt;
    }
    return value;
}

std::optional<std::string> text(const nlohmann::json& value, const char* field) {
    const auto it = value.find(field);
    if (it == value.end() || !it->is_string()) {
        return std::nullopt;
    }
    return it->get<std::string>();
}

void read_answer(assessment::Assessment& into, const std::string& item,
                 const nlohmann::json& value) {
    const auto answer = text(value, "value");
    if (!answer) {
        return;
    }
    into.answers[item] = {*answer, text(value, "comment").value_or(""), 0,
                          text(value, "answered_by").value_or("")};
}

void read_plan(assessment::Assessment& into, const std::string& item, const nlohmann::json& value) {
    const auto action = text(value, "action");
    const auto owner = text(value, "owner");
    const auto due_text = text(value, "due");
    const auto due = due_text ? Date::parse(*due_text) : std::nullopt;
    if (!action || !owner || !due) {
        return;
    }
    into.plan[item] = {item, *action, *owner, *due};
}

void read_evidence(assessment::Assessment& into, const std::string& id,
                   const nlohmann::json& value) {
    const auto item = text(value, "item");
    const auto size = value.find("size");
    if (!item || size == value.end() || !size->is_number_unsigned()) {
        return;
    }
    into.evidence.push_back(
        {id, *item, text(value, "name").value_or(""), size->get<std::uint64_t>()});
}

}  // namespace

const assessment::Assessment& OrganisationDrafts::scope(std::string_view name) const {
    const auto it = scopes.find(name);
    return it == scopes.end() ? kEmpty : it->second;
}

OrganisationDrafts read_drafts(const std::vector<store::Register>& registers,
                               std::string_view year) {
    OrganisationDrafts drafts;
    const std::string prefix = std::string(year) + "/";
    for (const auto& reg : registers) {
        const std::string_view key = reg.register_key;
        if (key == "profile/cyber_essentials_plus") {
            if (!reg.scope.empty()) {
                continue;  // the profile is the organisation's
            }
            assessment::OrganisationProfile profile;
            if (const auto value = shown_object(reg)) {
                if (const auto expires = text(*value, "expires")) {
                    profile.cyber_essentials_plus_expires = Date::parse(*expires);
                }
            }
            drafts.profile = profile;
            continue;
        }
        if (key == "profile/organisation_type") {
            const auto value = reg.scope.empty() ? shown_object(reg) : std::nullopt;
            drafts.organisation_type = value ? text(*value, "type").value_or("") : "";
            continue;
        }
        if (!key.starts_with(prefix)) {
            continue;
        }
        const auto rest = key.substr(prefix.size());
        const auto slash = rest.find('/');
        if (slash == std::string_view::npos || slash + 1 == rest.size()) {
            continue;
        }
        const auto kind = rest.substr(0, slash);
        const std::string name(rest.substr(slash + 1));
        if (kind != "answer" && kind != "plan" && kind != "evidence") {
            continue;
        }
        auto& assessment = drafts.scopes[reg.scope];
        if (reg.conflicted()) {
            drafts.conflicts[reg.scope].emplace_back(rest);
        }
        const auto value = shown_object(reg);
        if (!value) {
            continue;
        }
        if (kind == "answer") {
            read_answer(assessment, name, *value);
        } else if (kind == "plan") {
            read_plan(assessment, name, *value);
        } else {
            read_evidence(assessment, name, *value);
        }
    }
    return drafts;
}

}  // namespace dspt::server::publish
