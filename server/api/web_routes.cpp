#include "server/api/web_routes.hpp"

#include <optional>
#include <string>
#include <variant>

#include "http/security_headers.hpp"
#include "server/api/error_response.hpp"
#include "server/api/partner_web_routes.hpp"
#include "server/publish/site_drafts.hpp"
#include "server/web/dashboard_page.hpp"

namespace dspt::server::api {

namespace {

http::Response page(int status, std::string body) {
    http::Response response;
    response.status = status;
    response.content_type = "text/html; charset=utf-8";
    response.body = std::move(body);
    http::add_security_headers(response, http::PageKind::signed_in_page);
    return response;
}

http::Response message(int status, std::string_view heading, std::string_view text,
                       bool how_to_sign_in = true) {
    return page(status, web::render_web_message(heading, text, how_to_sign_in));
}

// The Set-Cookie value that gives the browser `value` for `max_age_seconds`
// (0 clears it).
std::string session_cookie(const Context& context, std::string_view value,
                           std::int64_t max_age_seconds) {
    std::string cookie(kSessionCookie);
    cookie += '=';
    cookie += value;
    cookie += "; Path=/; Max-Age=";
    cookie += std::to_string(max_age_seconds);
    cookie += "; HttpOnly; SameSite=Strict";
    if (context.secure_cookies()) {
        cookie += "; Secure";
    }
    return cookie;
}

// The value of the session cookie in the request's Cookie header; "" when absent.
std::string_view session_of(const http::Request& request) {
    std::string_view cookies = request.header("Cookie");
    while (!cookies.empty()) {
        const auto end = cookies.find(';');
        auto pair = cookies.substr(0, end);
        cookies = end == std::string_view::npos ? std::string_view() : cookies.substr(end + 1);
        while (!pair.empty() && pair.front() == ' ') {
            pair.remove_prefix(1);
        }
        const auto equals = pair.find('=');
        if (equals != std::string_view::npos && pair.substr(0, equals) == kSessionCookie) {
            return pair.substr(equals + 1);
        }
    }
    return {};
}

// The value of `name` in a raw query ("token=abc&x=1"); "" when absent.
std::string_view query_value(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        const auto end = query.find('&');
        const auto field = query.substr(0, end);
        query = end == std::string_view::npos ? std::string_view() : query.substr(end + 1);
        if (field.size() > name.size() && field.starts_with(name) && field[name.size()] == '=') {
            return field.substr(name.size() + 1);
        }
    }
    return {};
}

http::Response open_link(Context& context, const http::Request& request) {
    const auto opened =
        context.web_sign_in.open(query_value(request.query, "token"), context.clock());
    switch (opened.outcome) {
        case store::LinkOutcome::opened: {
            auto response = message(303, "Signed in", "Signed in: opening your dashboard.", false);
            response.headers.emplace("Location", context.link_to("/web/"));
            response.headers.emplace(
                "Set-Cookie",
                session_cookie(context, opened.session_id, web::kWebSessionLifetimeMs / 1000));
            return response;
        }
        case store::LinkOutcome::used:
            return message(403, "This login link has already been used",
                           "A login link opens one session, once. Ask your device for a new "
                           "one.");
        case store::LinkOutcome::expired:
            return message(410, "This login link has expired",
                           "A login link works for five minutes after it is made. Ask your "
                           "device for a new one.");
        case store::LinkOutcome::device_revoked:
            return message(403, "This device has been revoked",
                           "The device that made this login link can no longer sign in.");
        case store::LinkOutcome::unknown:
            break;
    }
    return message(403, "This is not a valid login link",
                   "The link is incomplete or was never issued. Copy the whole link that "
                   "dspt web-login printed.");
}

web::DashboardViewer viewer_of(const Context& context, const store::Device& device,
                               const std::string& year) {
    auto& repo = *context.repository;
    web::DashboardViewer viewer;
    viewer.role = std::string(store::to_string(device.role));
    viewer.year = year;
    if (device.role == store::DeviceRole::partner) {
        const auto partner = repo.find_partner(device.partner_id.value_or(0));
        viewer.description = partner ? partner->name : "a support partner";
        return viewer;
    }
    const auto organisation = repo.find_organisation(device.organisation_ods);
    const auto organisation_text = (organisation ? organisation->name + " " : std::string()) + "(" +
                                   device.organisation_ods + ")";
    if (device.role == store::DeviceRole::headquarters) {
        viewer.description = organisation_text;
        return viewer;
    }
    const auto site = repo.find_site(device.site_ods);
    viewer.description = (site ? site->name + " " : std::string()) + "(" + device.site_ods + "), " +
                         organisation_text;
    return viewer;
}

// The signed-in device of the request's session, or the 401 page that answers
// a request without one.
std::variant<web::SignedIn, http::Response> signed_in_of(Context& context,
                                                         const http::Request& request,
                                                         std::int64_t now) {
    const auto session_id = session_of(request);
    if (session_id.empty()) {
        return message(401, "Sign in to see progress", "You are not signed in.");
    }
    try {
        return context.web_sign_in.signed_in(session_id, now);
    } catch (const Error& e) {
        if (e.code() != ErrorCode::unauthenticated) {
            throw;
        }
        auto response = message(401, "Sign in to see progress", e.what());
        response.headers.emplace("Set-Cookie", session_cookie(context, "", 0));
        return response;
    }
}

// One site's page: its organisation's progress as `device` may see it (only
// that organisation is evaluated), or 404 for a site it may not see or none.
http::Response site_page(Context& context, const store::Device& device, std::string_view code,
                         const web::DashboardViewer& viewer, std::int64_t now) {
    const auto site = context.repository->find_site(code);
    std::optional<protocol::ProgressReport> report;
    try {
        if (site) {
            report =
                context.progress.organisation(device, site->organisation_ods, viewer.year, now);
        }
    } catch (const Error& e) {
        if (e.code() != ErrorCode::forbidden && e.code() != ErrorCode::not_found) {
            throw;
        }
    }
    if (report) {
        for (const auto& organisation : report->organisations) {
            for (const auto& progress : organisation.sites) {
                if (progress.site_code == code) {
                    return page(
                        200, web::render_site_page(organisation, progress,
                                                   publish::served_pack(viewer.year), viewer, now));
                }
            }
        }
    }
    return message(404, "There is no such site",
                   "None of the sites you may see has the code \"" + std::string(code) +
                       "\". Go back to the dashboard and choose a site from its table.",
                   false);
}

// The dashboard (/web/), its table as CSV (/web/progress.csv) or one site's
// page (/web/site?code=CODE), each from the progress the session's device may see.
http::Response dashboard(Context& context, const http::Request& request, http::Response& meta,
                         std::string_view route) {
    const auto now = context.clock();
    auto session = signed_in_of(context, request, now);
    if (auto* refusal = std::get_if<http::Response>(&session)) {
        return std::move(*refusal);
    }
    const auto& signed_in = std::get<web::SignedIn>(session);
    meta.device = signed_in.device.id;
    const auto& year = signed_in.session.year;
    auto viewer = viewer_of(context, signed_in.device, year);
    viewer.home = context.link_to("/web/");
    if (is_partner_web_path(request.path)) {
        return page(200, partner_web_page(context, request, signed_in.device, year, viewer));
    }
    if (route == "/web/site") {
        return site_page(context, signed_in.device, query_value(request.query, "code"), viewer,
                         now);
    }
    const auto report = context.progress.visible(signed_in.device, year, now);
    if (route == "/web/progress.csv") {
        http::Response response;
        response.status = 200;
        response.content_type = "text/csv; charset=utf-8";
        response.body = web::render_dashboard_csv(report);
        http::add_security_headers(response, http::PageKind::signed_in_page);
        response.headers.emplace("Content-Disposition",
                                 "attachment; filename=\"" + web::dashboard_csv_name(year) + "\"");
        return response;
    }
    return page(200, web::render_dashboard(report, viewer));
}

http::Response sign_out(Context& context, const http::Request& request) {
    context.web_sign_in.sign_out(session_of(request), context.clock());
    auto response =
        message(200, "Signed out", "You have signed out. This browser can no longer see progress.");
    response.headers.emplace("Set-Cookie", session_cookie(context, "", 0));
    return response;
}

http::Response web_route(Context& context, const http::Request& request, http::Response& meta) {
    const auto& path = request.path;
    std::string route;
    std::string_view method = "GET";
    if (path == "/web/login") {
        route = "/web/login";
    } else if (path == "/web" || path == "/web/") {
        route = "/web/";
    } else if (path == "/web/progress.csv" || path == "/web/site") {
        route = path;
    } else if (is_partner_web_path(path)) {
        route = "/web/partner";
    } else if (path == "/web/logout") {
        route = "/web/logout";
        method = "POST";
    }
    if (route.empty()) {
        meta.route = request.method + " (unrouted)";
        return message(404, "There is no such page", "No page is at " + path + ".", false);
    }
    if (request.method != method) {
        meta.route = request.method + " (unrouted)";
        auto response =
            message(405, "Not allowed",
                    "Only " + std::string(method) + " is allowed on " + route + ".", false);
        response.headers.emplace("Allow", std::string(method));
        return response;
    }
    meta.route = std::string(method) + " " + route;
    if (route == "/web/login") {
        return open_link(context, request);
    }
    if (route == "/web/logout") {
        return sign_out(context, request);
    }
    return dashboard(context, request, meta, route);
}

}  // namespace

bool is_web_path(std::string_view path) noexcept {
    return path == "/web" || path.starts_with("/web/");
}

http::Response handle_web(Context& context, const http::Request& request, http::Response& meta) {
    try {
        return web_route(context, request, meta);
    } catch (const Error& e) {
        const int status = http_status_for(e.code());
        if (status >= 500) {
            meta.error = e.what();  // the page hides it; the access log carries it
            return message(status, "Something went wrong",
                           "The server could not show this page. Try again in a minute.", false);
        }
        return message(status, "This page cannot be shown", e.what(), false);
    }
}

protocol::WebLoginLink issue_login_link(Context& context, const store::Device& device,
                                        std::string_view year) {
    const auto issued = context.web_sign_in.issue(device, year, context.clock());
    return {"/web/login?token=" + issued.secret, issued.expires_at_ms};
}

}  // namespace dspt::server::api
