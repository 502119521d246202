#include "server/progress/partner_summary.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include "common/date.hpp"
#include "common/error.hpp"
#include "common/standards/year.hpp"
#include "protocol/register_key.hpp"
#include "server/publish/site_drafts.hpp"

namespace dspt::server::progress {

namespace {

constexpr std::int64_t kSummaryDayMs = 86'400'000;
// At most this many threads compute one summary, and only for this many
// organisations or more.
constexpr unsigned kSummaryThreads = 4;
constexpr std::size_t kSummaryThreadMinimum = 16;

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

std::string organisation_type_label(std::string_view type) {
    return type.empty() ? "Not stated" : protocol::organisation_type_name(type);
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
    if (!device.partner_id) {
        return summarise(pack, {}, now_ms);
    }
    const auto organisations = repository.organisations_granting(*device.partner_id, now_ms);
    std::vector<SummaryInput> inputs(organisations.size());
    // Each organisation's progress is its own reads and evaluation: shared among a
    // few threads (the store's reads run in parallel), each taking the next.
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    const auto work = [&] {
        for (auto i = next++; i < organisations.size(); i = next++) {
            try {
                inputs[i].progress =
                    organisation_progress(repository, organisations[i],
                                          progress.readable_sites(device, organisations[i].ods),
                                          pack, Date::from_unix_ms(now_ms), &inputs[i].type);
            } catch (...) {
                const std::lock_guard lock(failure_mutex);
                failure = failure ? failure : std::current_exception();
                next = organisations.size();
            }
        }
    };
    {
        const unsigned helpers =
            organisations.size() < kSummaryThreadMinimum
                ? 0u
                : std::min(kSummaryThreads, std::max(1u, std::thread::hardware_concurrency())) - 1;
        std::vector<std::jthread> threads;
        for (unsigned t = 0; t < helpers; ++t) {
            threads.emplace_back(work);
        }
        work();
    }
    if (failure) {
        std::rethrow_exception(failure);
    }
    // Both lists are in ODS order.
    const auto groups = repository.partner_groups(*device.partner_id, now_ms);
    auto group = groups.begin();
    for (std::size_t i = 0; i < organisations.size(); ++i) {
        while (group != groups.end() && group->organisation_ods < organisations[i].ods) {
            ++group;
        }
        if (group != groups.end() && group->organisation_ods == organisations[i].ods) {
            inputs[i].group = group->label;
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
