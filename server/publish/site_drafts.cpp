#include "server/publish/site_drafts.hpp"

#include <cstdint>

#include "common/error.hpp"
#include "common/standards/bundled.hpp"
#include "common/standards/year.hpp"
#include "server/publish/register_drafts.hpp"

namespace dspt::server::publish {

namespace {

constexpr std::size_t kRegisterPage = 2000;

// Every register of the organisation in `scopes`, every year.
std::vector<store::Register> all_registers(const store::Repository& repository,
                                           const std::string& organisation,
                                           const std::vector<std::string>& scopes) {
    std::vector<store::Register> registers;
    std::int64_t cursor = 0;
    for (;;) {
        auto page = repository.registers_since(organisation, scopes, cursor, kRegisterPage);
        for (auto& reg : page.registers) {
            registers.push_back(std::move(reg));
        }
        if (!page.more || page.next_cursor <= cursor) {
            return registers;
        }
        cursor = page.next_cursor;
    }
}

}  // namespace

const standards::Pack& served_pack(const std::string& year) {
    if (!standards::is_valid_year(year)) {
        fail(ErrorCode::invalid_argument,
             "a standards year is written like 2025-26, not \"" + year.substr(0, 40) + "\"");
    }
    try {
        return standards::bundled_pack(year);
    } catch (const Error& e) {
        fail(ErrorCode::invalid_argument,
             "this server has no standards for " + year + ": " + e.what());
    }
}

std::vector<SiteDraft> read_site_drafts(const store::Repository& repository,
                                        const store::Organisation& organisation,
                                        const std::vector<std::string>& sites,
                                        const std::string& year, std::string* organisation_type) {
    std::vector<std::string> scopes{""};
    scopes.insert(scopes.end(), sites.begin(), sites.end());
    const auto drafts = read_drafts(all_registers(repository, organisation.ods, scopes), year);
    if (organisation_type) {
        *organisation_type = drafts.organisation_type;
    }
    auto organisation_wide = drafts.scope("");
    if (drafts.profile) {
        organisation_wide.profile = *drafts.profile;
    } else {
        organisation_wide.profile.cyber_essentials_plus_expires =
            organisation.cyber_essentials_plus_expires;
    }
    std::vector<SiteDraft> site_drafts;
    for (const auto& site : sites) {
        SiteDraft draft{
            site, assessment::effective_assessment(organisation_wide, drafts.scope(site)), {}};
        for (const auto& scope : {std::string(), site}) {
            const auto it = drafts.conflicts.find(scope);
            if (it != drafts.conflicts.end()) {
                draft.conflicts.insert(draft.conflicts.end(), it->second.begin(), it->second.end());
            }
        }
        site_drafts.push_back(std::move(draft));
    }
    return site_drafts;
}

}  // namespace dspt::server::publish
