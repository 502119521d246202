#include "server/api/partner_web_routes.hpp"

#include "common/error.hpp"
#include "common/form_encoding.hpp"
#include "server/progress/partner_summary.hpp"
#include "server/web/partner_summary_page.hpp"

namespace dspt::server::api {

namespace {

constexpr std::string_view kPartnerPrefix = "/web/partner";
constexpr std::string_view kOrganisationsPrefix = "/web/partner/organisations";

// The drill-down's filter from the query; a value outside its list is refused.
progress::SummaryFilter filter_of(std::string_view query) {
    progress::SummaryFilter filter;
    for (auto& [name, value] : parse_form(query)) {
        if (name == "level") {
            if (value != "none" && value != "approaching" && value != "met" &&
                value != "exceeded") {
                fail(ErrorCode::invalid_argument,
                     "The level must be none, approaching, met or exceeded. Go back to the "
                     "summary and choose a count.");
            }
            filter.level = value;
        } else if (name == "type") {
            filter.type = value == "not_stated" ? std::string() : value;
        } else if (name == "group") {
            filter.group = value;
        } else if (name == "state") {
            if (value != "published" && value != "lapsing" && value != "no_recent_sync") {
                fail(ErrorCode::invalid_argument,
                     "This list is not one the summary offers. Go back to the summary and "
                     "choose a count.");
            }
            filter.state = value;
        } else if (name == "missing") {
            filter.missing = value;
        }
    }
    return filter;
}

}  // namespace

bool is_partner_web_path(std::string_view path) noexcept {
    return path == kPartnerPrefix || path == "/web/partner/" ||
           path.starts_with(std::string(kOrganisationsPrefix));
}

std::string partner_web_page(Context& context, const http::Request& request,
                             const store::Device& device, const std::string& year,
                             const web::DashboardViewer& viewer) {
    const auto now = context.clock();
    if (device.role != store::DeviceRole::partner) {
        fail(ErrorCode::forbidden,
             "The summary across organisations is for support partners. Your own sites are "
             "on your dashboard.");
    }
    std::string_view path = request.path;
    if (path == kPartnerPrefix || path == "/web/partner/") {
        return web::render_partner_summary(
            progress::partner_summary(*context.repository, context.progress, context.policy, device,
                                      year, now),
            viewer);
    }
    if (path == kOrganisationsPrefix || path == "/web/partner/organisations/") {
        return web::render_partner_organisations(
            progress::partner_summary(*context.repository, context.progress, context.policy, device,
                                      year, now),
            filter_of(request.query), viewer);
    }
    const auto segments = path_segments(path);
    if (segments.size() != 4 || segments[3].empty()) {
        fail(ErrorCode::not_found, "There is no such page. Go back to the summary.");
    }
    const auto& ods = segments[3];
    // Only an organisation whose grant is in force; any other reads as unknown.
    if (!device.partner_id || !context.repository->live_grant(ods, *device.partner_id, now)) {
        fail(ErrorCode::not_found, "No organisation " + ods +
                                       " has given your partner access. Go back to the "
                                       "summary to choose one that has.");
    }
    return web::render_dashboard(context.progress.organisation(device, ods, year, now), viewer);
}

}  // namespace dspt::server::api
