#include "server/progress/partner_summary.hpp"

#include <algorithm>
#include <map>

#include "common/date.hpp"
#include "common/error.hpp"
#include "common/standards/year.hpp"
#include "server/publish/site_drafts.hpp"

namespace dspt::server::progress {

namespace {

constexpr std::int64_t kSummaryDayMs = 86'400'000;

bool known_type(std::string_view type) {
    return std::find(std::begin(kOrganisationTypes), std::end(kOrganisationTypes), type) !=
           std::end(kOrganisationTypes);
}

// Each item's place in the pack, by id.
using ItemIndex = std::map<std::string, std::size_t, std::less<>>;

// The summary's view of one organisation.
protocol::PartnerOrganisation summarised(const standards::Pack& pack, const ItemIndex& index,
                                         const SummaryInput& input, std::int64_t now_ms) {
    const auto& progress = input.progress;
    const auto today = Date::from_unix_ms(now_ms);
    protocol::PartnerOrganisation row;
    row.ods = progress.organisation_ods;
    row.name = progress.organisation_name;
    row.type = known_type(input.type) ? input.type : "";
    row.group = input.group;
    row.sites = static_cast<std::uint32_t>(progress.sites.size());
    auto level = progress.sites.empty() ? standards::Level::none : standards::Level::exceeded;
    std::vector<bool> missed(pack.items.size(), false);
    std::optional<Date> lapses;
    for (const auto& site : progress.sites) {
        level =
            std::min(level, standards::parse_level(site.level).value_or(standards::Level::none));
        for (const auto* list : {&site.missing_approaching, &site.missing_met}) {
            for (const auto& item : *list) {
                if (const auto at = index.find(item.id); at != index.end()) {
                    missed[at->second] = true;
                }
            }
        }
        row.last_sync_at_ms = std::max(row.last_sync_at_ms, site.last_sync_at_ms);
        if (site.published) {
            row.published = true;
            const auto published = Date::from_unix_ms(site.last_publication.published_at_ms);
            if (!standards::publication_lapsed(published, today) &&
                standards::lapses_within(published, today, kPartnerSummaryDays)) {
                const auto on = standards::lapses_on(published);
                lapses = lapses ? std::min(*lapses, on) : on;
            }
        }
    }
    row.level = std::string(standards::to_string(level));
    row.lapses_on = lapses ? lapses->to_string() : "";
    row.no_recent_sync = row.last_sync_at_ms == 0 ||
                         row.last_sync_at_ms < now_ms - kPartnerSummaryDays * kSummaryDayMs;
    for (std::size_t i = 0; i < pack.items.size(); ++i) {
        if (missed[i]) {
            row.missing.push_back(pack.items[i].id);
        }
    }
    return row;
}

void count(protocol::LevelTally& tally, const protocol::PartnerOrganisation& row) {
    ++tally.organisations;
    const auto level = standards::parse_level(row.level).value_or(standards::Level::none);
    switch (level) {
        case standards::Level::none:
            ++tally.none;
            break;
        case standards::Level::approaching:
            ++tally.approaching;
            break;
        case standards::Level::met:
            ++tally.met;
            break;
        case standards::Level::exceeded:
            ++tally.exceeded;
            break;
    }
    tally.published += row.published ? 1 : 0;
    tally.lapsing += row.lapses_on.empty() ? 0 : 1;
    tally.no_recent_sync += row.no_recent_sync ? 1 : 0;
}

}  // namespace

std::string_view organisation_type_label(std::string_view type) noexcept {
    if (type == "care_home") {
        return "Care home";
    }
    if (type == "homecare") {
        return "Homecare";
    }
    if (type == "both") {
        return "Care home and homecare";
    }
    if (type == "other") {
        return "Other";
    }
    return "Not stated";
}

protocol::PartnerSummary summarise(const standards::Pack& pack,
                                   const std::vector<SummaryInput>& organisations,
                                   std::int64_t now_ms) {
    protocol::PartnerSummary summary;
    summary.year = pack.year;
    summary.generated_at_ms = now_ms;
    for (const auto type : kOrganisationTypes) {
        summary.by_type.push_back({std::string(type)});
    }
    ItemIndex index;
    for (std::size_t i = 0; i < pack.items.size(); ++i) {
        index.emplace(pack.items[i].id, i);
    }
    std::map<std::string, protocol::LevelTally> groups;
    std::vector<std::uint32_t> missed(pack.items.size(), 0);
    for (const auto& input : organisations) {
        auto row = summarised(pack, index, input, now_ms);
        count(summary.all, row);
        for (auto& tally : summary.by_type) {
            if (tally.label == row.type) {
                count(tally, row);
            }
        }
        auto& group = groups[row.group];
        group.label = row.group;
        count(group, row);
        for (const auto& id : row.missing) {
            ++missed[index.find(id)->second];
        }
        summary.organisations.push_back(std::move(row));
    }
    for (auto& [label, tally] : groups) {
        if (!label.empty()) {
            summary.by_group.push_back(tally);
        }
    }
    if (const auto none = groups.find(""); none != groups.end()) {
        summary.by_group.push_back(none->second);
    }
    for (std::size_t i = 0; i < pack.items.size(); ++i) {
        if (missed[i] > 0) {
            summary.missing.push_back({pack.items[i].id, pack.items[i].title, missed[i]});
        }
    }
    // Most often missed first; ties keep the pack's order.
    std::stable_sort(
        summary.missing.begin(), summary.missing.end(),
        [](const auto& a, const auto& b) { return a.organisations > b.organisations; });
    return summary;
}

protocol::PartnerSummary partner_summary(const store::Repository& repository,
                                         const ProgressService& progress,
                                         const auth::AccessPolicy& policy,
                                         const store::Device& device, std::string_view year,
                                         std::int64_t now_ms) {
    policy.require_partner_progress(device);
    const auto& pack = publish::served_pack(std::string(year));
    std::vector<SummaryInput> inputs;
    if (device.partner_id) {
        const auto groups = repository.partner_groups(*device.partner_id, now_ms);
        auto group = groups.begin();
        for (const auto& organisation :
             repository.organisations_granting(*device.partner_id, now_ms)) {
            SummaryInput input;
            input.progress = organisation_progress(
                repository, organisation, progress.readable_sites(device, organisation.ods), pack,
                Date::from_unix_ms(now_ms), &input.type);
            // Both lists are in ODS order.
            while (group != groups.end() && group->organisation_ods < organisation.ods) {
                ++group;
            }
            if (group != groups.end() && group->organisation_ods == organisation.ods) {
                input.group = group->label;
            }
            inputs.push_back(std::move(input));
        }
    }
    return summarise(pack, inputs, now_ms);
}

void set_partner_group(store::Repository& repository, const auth::AccessPolicy& policy,
                       const store::Device& device, std::string_view organisation_ods,
                       std::string_view label, std::int64_t now_ms) {
    const auto partner = policy.require_grantee(device);
    repository.set_partner_group(partner, organisation_ods, label, now_ms);
}

bool matches(const protocol::PartnerOrganisation& organisation, const SummaryFilter& filter) {
    if (!filter.level.empty() && organisation.level != filter.level) {
        return false;
    }
    if (filter.type && organisation.type != *filter.type) {
        return false;
    }
    if (filter.group && organisation.group != *filter.group) {
        return false;
    }
    if ((filter.state == "published" && !organisation.published) ||
        (filter.state == "lapsing" && organisation.lapses_on.empty()) ||
        (filter.state == "no_recent_sync" && !organisation.no_recent_sync)) {
        return false;
    }
    return filter.missing.empty() ||
           std::find(organisation.missing.begin(), organisation.missing.end(), filter.missing) !=
               organisation.missing.end();
}

}  // namespace dspt::server::progress
