#include "server/progress/site_progress.hpp"

#include <algorithm>

#include "common/assessment/evaluator.hpp"
#include "server/publish/publish_service.hpp"

namespace dspt::server::progress {

namespace {

std::vector<protocol::ItemRef> item_refs(const standards::Pack& pack,
                                         const std::vector<std::string>& ids) {
    std::vector<protocol::ItemRef> refs;
    for (const auto& id : ids) {
        const auto* item = pack.find(id);
        refs.push_back({id, item ? item->title : std::string()});
    }
    return refs;
}

void add_health(protocol::SiteProgress& progress, const store::Site& site,
                const std::vector<store::DeviceSyncHealth>& health) {
    for (const auto& device : health) {
        if (device.role != store::DeviceRole::branch || device.site_ods != site.ods) {
            continue;
        }
        progress.last_sync_at_ms = std::max(progress.last_sync_at_ms, device.last_sync_at_ms);
        progress.pending_changes += device.pending_changes;
        progress.pending_bytes += device.pending_bytes;
        if (device.pending_changes > 0) {
            const auto written_at = device.reported_at_ms - device.oldest_pending_age_ms;
            if (progress.oldest_pending_at_ms == 0 || written_at < progress.oldest_pending_at_ms) {
                progress.oldest_pending_at_ms = std::max<std::int64_t>(1, written_at);
            }
        }
    }
}

}  // namespace

protocol::SiteProgress site_progress(const standards::Pack& pack, const store::Site& site,
                                     const publish::SiteDraft& draft,
                                     const std::vector<store::DeviceSyncHealth>& health,
                                     const std::vector<store::Publication>& publications,
                                     Date today) {
    const auto evaluation = assessment::evaluate(pack, draft.effective, today);
    protocol::SiteProgress progress;
    progress.site_code = site.ods;
    progress.site_name = site.name;
    progress.level = std::string(standards::to_string(evaluation.level));
    progress.approaching_satisfied = static_cast<std::uint32_t>(evaluation.approaching.satisfied);
    progress.approaching_total = static_cast<std::uint32_t>(evaluation.approaching.total);
    progress.met_satisfied = static_cast<std::uint32_t>(evaluation.met.satisfied);
    progress.met_total = static_cast<std::uint32_t>(evaluation.met.total);
    progress.missing_approaching = item_refs(pack, evaluation.approaching.missing);
    progress.missing_met = item_refs(pack, evaluation.met.missing);
    progress.conflicts = static_cast<std::uint32_t>(draft.conflicts.size());
    progress.evidence_files = static_cast<std::uint32_t>(draft.effective.evidence.size());
    add_health(progress, site, health);
    for (const auto& publication : publications) {
        if (publication.year == pack.year &&
            std::find(publication.sites.begin(), publication.sites.end(), site.ods) !=
                publication.sites.end()) {
            progress.published = true;
            progress.last_publication = publish::to_view(publication);
            break;
        }
    }
    return progress;
}

}  // namespace dspt::server::progress
