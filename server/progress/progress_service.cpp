#include "server/progress/progress_service.hpp"

#include <string>

#include "common/error.hpp"
#include "server/progress/site_progress.hpp"
#include "server/publish/site_drafts.hpp"

namespace dspt::server::progress {

protocol::OrganisationProgress organisation_progress(const store::Repository& repository,
                                                     const store::Organisation& organisation,
                                                     const std::vector<store::Site>& sites,
                                                     const standards::Pack& pack, Date today,
                                                     std::string* organisation_type) {
    protocol::OrganisationProgress progress;
    progress.organisation_ods = organisation.ods;
    progress.organisation_name = organisation.name;
    progress.year = pack.year;
    std::vector<std::string> codes;
    for (const auto& site : sites) {
        codes.push_back(site.ods);
    }
    const auto drafts =
        publish::read_site_drafts(repository, organisation, codes, pack.year, organisation_type);
    const auto health = repository.sync_health_of(organisation.ods);
    const auto publications = repository.publications_of(organisation.ods);
    for (std::size_t i = 0; i < sites.size(); ++i) {
        progress.sites.push_back(
            site_progress(pack, sites[i], drafts[i], health, publications, today));
    }
    return progress;
}

void ProgressService::record_health(const store::Device& device, const protocol::SyncHealth& health,
                                    std::int64_t now_ms) {
    store::SyncHealthReport report;
    report.device_id = device.id;
    report.reported_at_ms = now_ms;
    report.pending_changes = health.pending_changes;
    report.pending_bytes = health.pending_bytes;
    report.oldest_pending_age_ms = health.oldest_pending_age_ms;
    report.finished = health.finished;
    repository_.record_sync_health(report);
}

protocol::ProgressReport ProgressService::organisation(const store::Device& device,
                                                       std::string_view organisation_ods,
                                                       std::string_view year,
                                                       std::int64_t now_ms) const {
    // A branch device sees its own site, even in an organisation with headquarters
    // (which it may not read as a whole).
    const bool own_site_only =
        device.role == store::DeviceRole::branch && device.organisation_ods == organisation_ods;
    if (!own_site_only) {
        policy_.require_organisation(device, organisation_ods, auth::Access::read_progress);
    }
    const auto& pack = publish::served_pack(std::string(year));
    const auto organisation = repository_.find_organisation(organisation_ods);
    if (!organisation) {
        fail(ErrorCode::not_found, "there is no organisation " + std::string(organisation_ods));
    }
    protocol::ProgressReport report;
    report.generated_at_ms = now_ms;
    report.organisations.push_back(organisation_progress(repository_, *organisation,
                                                         readable_sites(device, organisation->ods),
                                                         pack, Date::from_unix_ms(now_ms)));
    return report;
}

std::vector<store::Site> ProgressService::readable_sites(const store::Device& device,
                                                         std::string_view organisation_ods) const {
    auto sites = repository_.sites_of(organisation_ods);
    std::erase_if(sites, [&](const store::Site& site) {
        return !policy_.allows_site(device, site, auth::Access::read_progress);
    });
    return sites;
}

protocol::ProgressReport ProgressService::visible(const store::Device& device,
                                                  std::string_view year,
                                                  std::int64_t now_ms) const {
    if (device.role != store::DeviceRole::partner) {
        return organisation(device, device.organisation_ods, year, now_ms);
    }
    const auto& pack = publish::served_pack(std::string(year));
    protocol::ProgressReport report;
    report.generated_at_ms = now_ms;
    if (!device.partner_id) {
        return report;
    }
    for (const auto& organisation :
         repository_.organisations_granting(*device.partner_id, now_ms)) {
        report.organisations.push_back(organisation_progress(
            repository_, organisation, readable_sites(device, organisation.ods), pack,
            Date::from_unix_ms(now_ms)));
    }
    return report;
}

}  // namespace dspt::server::progress
