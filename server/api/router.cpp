#include "server/api/router.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string_view>
#include <vector>

#include "common/crypto/bytes.hpp"
#include "common/date.hpp"
#include "common/form_encoding.hpp"
#include "protocol/codec.hpp"
#include "protocol/progress_messages.hpp"
#include "protocol/publish_messages.hpp"
#include "protocol/sync_messages.hpp"
#include "server/api/error_response.hpp"
#include "server/api/public_routes.hpp"
#include "server/api/web_routes.hpp"

namespace dspt::server::api {

namespace {

using auth::Access;

// A path split on '/', with each segment percent-decoded.
std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> parts;
    std::size_t start = 1;  // after the leading '/'
    while (start <= path.size()) {
        const auto end = path.find('/', start);
        parts.push_back(
            percent_decode(path.substr(start, end == std::string_view::npos ? end : end - start)));
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
    return parts;
}

// The scope of "scope=<site ODS code>"; "" (organisation-wide) when absent.
std::string scope_of(std::string_view query) {
    constexpr std::string_view kScope = "scope=";
    if (query.empty()) {
        return {};
    }
    if (!query.starts_with(kScope) || query.find('&') != std::string_view::npos) {
        fail(ErrorCode::invalid_argument, "the query must be scope=<site>");
    }
    return percent_decode(query.substr(kScope.size()));
}

// The `since` of "since=<cursor>"; 0 when absent.
std::int64_t cursor_of(std::string_view query) {
    if (query.empty()) {
        return 0;
    }
    constexpr std::string_view kSince = "since=";
    std::int64_t cursor = 0;
    const auto digits = query.substr(std::min(query.size(), kSince.size()));
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cursor);
    if (!query.starts_with(kSince) || digits.empty() || ec != std::errc{} ||
        end != digits.data() + digits.size() || cursor < 0) {
        fail(ErrorCode::invalid_argument, "the query must be since=<cursor>, a whole number");
    }
    return cursor;
}

// The year of "year=<standards year>", which progress needs.
std::string year_of(std::string_view query) {
    constexpr std::string_view kYear = "year=";
    if (!query.starts_with(kYear) || query.find('&') != std::string_view::npos ||
        query.size() == kYear.size()) {
        fail(ErrorCode::invalid_argument, "the query must be year=<standards year>, e.g. 2025-26");
    }
    return percent_decode(query.substr(kYear.size()));
}

http::Response binary(std::string body, int status = 200) {
    http::Response response;
    response.status = status;
    response.content_type = "application/x-dspt";
    response.body = std::move(body);
    return response;
}

protocol::GrantView to_view(const store::Grant& grant) {
    protocol::GrantView view;
    view.organisation_ods = grant.organisation_ods;
    view.partner_name = grant.partner_name;
    view.given_at_ms = grant.given_at_ms;
    view.revoked_at_ms = grant.revoked_at_ms.value_or(0);
    view.expires_at_ms = grant.expires_at_ms.value_or(0);
    return view;
}

class Call {
  public:
    Call(Context& context, const http::Request& request, http::Response& response)
        : context_(context), request_(request), response_(response) {}

    // Authenticates the request; the device is logged with it.
    store::Device device() {
        auto device = context_.authenticator.authenticate(request_);
        response_.device = device.id;
        return device;
    }

    template <class T>
    T body() const {
        return protocol::decode<T>(request_.body);
    }

    Context& context() { return context_; }

  private:
    Context& context_;
    const http::Request& request_;
    http::Response& response_;
};

http::Response not_found(const http::Request& request) {
    return error_response(
        Error(ErrorCode::not_found, "no such endpoint: " + request.method + " " + request.path));
}

http::Response route(Context& context, const http::Request& request, http::Response& meta) {
    if (is_web_path(request.path)) {
        return handle_web(context, request, meta);
    }
    if (!request.path.starts_with("/v1/")) {
        return handle_public(context, request, meta);
    }
    const auto parts = split_path(request.path);
    const auto& method = request.method;
    Call call(context, request, meta);
    auto& repo = *context.repository;
    if (parts.size() < 2 || parts[0] != "v1") {
        meta.route = method + " (unrouted)";
        return not_found(request);
    }
    const auto& area = parts[1];

    if (area == "enrol" && parts.size() == 2 && method == "POST") {
        meta.route = "POST /v1/enrol";
        const auto response = context.enrolment.enrol(call.body<protocol::EnrolRequest>());
        meta.device = response.device_id;
        return binary(protocol::encode(response), 201);
    }
    if (area == "whoami" && parts.size() == 2 && method == "GET") {
        meta.route = "GET /v1/whoami";
        return binary(protocol::encode(context.enrolment.identity(call.device())));
    }
    if (area == "certificates" && parts.size() == 3 && method == "GET") {
        meta.route = device_certificate_route(parts[2]);
        return device_certificate(context, call.device(), parts[2]);
    }
    if (area == "invites" && parts.size() == 2 && method == "POST") {
        meta.route = "POST /v1/invites";
        const auto device = call.device();
        return binary(protocol::encode(
                          context.enrolment.invite(device, call.body<protocol::InviteRequest>())),
                      201);
    }
    if (area == "org" && parts.size() == 3 && parts[2] == "recovery") {
        if (method == "PUT") {
            meta.route = "PUT /v1/org/recovery";
            const auto device = call.device();
            context.enrolment.put_recovery(device, call.body<protocol::KeyEnvelope>());
            return binary({}, 204);
        }
        if (method == "GET") {
            meta.route = "GET /v1/org/recovery";
            return binary(protocol::encode(context.enrolment.recovery(call.device())));
        }
    }
    if (area == "orgs" && parts.size() >= 3) {
        const auto& ods = parts[2];
        if (parts.size() == 3 && method == "GET") {
            meta.route = "GET /v1/orgs/<ods>";
            const auto device = call.device();
            context.policy.require_organisation(device, ods, Access::read_progress);
            const auto organisation = repo.find_organisation(ods);
            if (!organisation) {
                fail(ErrorCode::not_found, "there is no organisation " + ods);
            }
            protocol::OrganisationView view;
            view.ods = organisation->ods;
            view.name = organisation->name;
            view.is_headquarters = organisation->is_headquarters;
            for (const auto& site : repo.sites_of(ods)) {
                view.sites.push_back({site.ods, site.cqc_location_id, site.name});
            }
            return binary(protocol::encode(view));
        }
        if (parts.size() == 4 && parts[3] == "progress" && method == "GET") {
            meta.route = "GET /v1/orgs/<ods>/progress";
            const auto device = call.device();
            return binary(protocol::encode(context.progress.organisation(
                device, ods, year_of(request.query), context.clock())));
        }
        if (parts.size() >= 4 && parts[3] == "grants") {
            if (parts.size() == 4 && method == "GET") {
                meta.route = "GET /v1/orgs/<ods>/grants";
                const auto device = call.device();
                context.policy.require_organisation(device, ods, Access::read);
                protocol::GrantList list;
                for (const auto& grant : repo.grants_of_organisation(ods)) {
                    list.grants.push_back(to_view(grant));
                }
                return binary(protocol::encode(list));
            }
            if (parts.size() == 4 && method == "POST") {
                meta.route = "POST /v1/orgs/<ods>/grants";
                const auto device = call.device();
                context.policy.require_organisation(device, ods, Access::write);
                const auto request_body = call.body<protocol::GrantRequest>();
                const auto partner = repo.find_partner_by_name(request_body.partner_name);
                if (!partner) {
                    fail(ErrorCode::not_found,
                         "there is no partner named \"" + request_body.partner_name + "\"");
                }
                std::optional<std::int64_t> expires_at_ms;
                if (!request_body.until.empty()) {
                    const auto until = Date::parse(request_body.until);
                    if (!until) {
                        fail(ErrorCode::invalid_argument,
                             "the grant's end is not a date (YYYY-MM-DD): " + request_body.until);
                    }
                    expires_at_ms = until->end_unix_ms();
                }
                const auto grant =
                    repo.give_grant(ods, partner->id, device.id, context.clock(), expires_at_ms);
                return binary(protocol::encode(to_view(grant)), 201);
            }
            if (parts.size() == 5 && method == "DELETE") {
                meta.route = "DELETE /v1/orgs/<ods>/grants/<partner>";
                const auto device = call.device();
                context.policy.require_organisation(device, ods, Access::write);
                const auto partner = repo.find_partner_by_name(parts[4]);
                if (!partner) {
                    fail(ErrorCode::not_found, "there is no partner named \"" + parts[4] + "\"");
                }
                const auto revoked =
                    repo.revoke_grant(ods, partner->id, device.id, context.clock());
                return binary(protocol::encode(to_view(revoked)));
            }
        }
    }
    if (area == "sync" && parts.size() == 3 && parts[2] == "push" && method == "POST") {
        meta.route = "POST /v1/sync/push";
        const auto device = call.device();
        return binary(
            protocol::encode(context.sync.push(device, call.body<protocol::PushRequest>())));
    }
    if (area == "sync" && parts.size() == 3 && parts[2] == "pull" && method == "GET") {
        meta.route = "GET /v1/sync/pull";
        const auto device = call.device();
        return binary(protocol::encode(context.sync.pull(device, cursor_of(request.query))));
    }
    if (area == "sync" && parts.size() == 3 && parts[2] == "health" && method == "POST") {
        meta.route = "POST /v1/sync/health";
        const auto device = call.device();
        context.progress.record_health(device, call.body<protocol::SyncHealth>(), context.clock());
        return binary({}, 204);
    }
    if (area == "partner" && parts.size() == 3 && parts[2] == "progress" && method == "GET") {
        meta.route = "GET /v1/partner/progress";
        const auto device = call.device();
        if (device.role != store::DeviceRole::partner) {
            fail(ErrorCode::forbidden, "only a support partner's device reads partner progress");
        }
        return binary(protocol::encode(
            context.progress.visible(device, year_of(request.query), context.clock())));
    }
    if (area == "blobs" && parts.size() == 3 && method == "GET") {
        meta.route = "GET /v1/blobs/<evidence>";
        const auto device = call.device();
        return binary(protocol::encode(context.blobs.status(device, parts[2])));
    }
    if (area == "blobs" && parts.size() == 4 && method == "PUT") {
        meta.route = "PUT /v1/blobs/<evidence>/<index>";
        const auto device = call.device();
        const auto index = sync::parse_chunk_index(parts[3]);
        context.blobs.put(device, parts[2], index, scope_of(request.query),
                          crypto::as_byte_view(request.body), context.clock());
        return binary({}, 204);
    }
    if (area == "blobs" && parts.size() == 4 && method == "GET") {
        meta.route = "GET /v1/blobs/<evidence>/<index>";
        const auto device = call.device();
        const auto chunk = context.blobs.get(device, parts[2], sync::parse_chunk_index(parts[3]));
        auto response = binary(std::string(chunk.begin(), chunk.end()));
        response.content_type = "application/octet-stream";
        return response;
    }
    if (area == "publish" && parts.size() == 2 && method == "POST") {
        meta.route = "POST /v1/publish";
        const auto device = call.device();
        const auto response = context.publishing.publish(
            device, call.body<protocol::PublishRequest>(), context.clock());
        return binary(protocol::encode(response),
                      response.published && !response.duplicate ? 201 : 200);
    }
    if (area == "publications" && parts.size() == 2 && method == "GET") {
        meta.route = "GET /v1/publications";
        return binary(protocol::encode(context.publishing.publications(call.device())));
    }
    if (area == "partner" && parts.size() == 3 && parts[2] == "grants" && method == "GET") {
        meta.route = "GET /v1/partner/grants";
        const auto device = call.device();
        if (device.role != store::DeviceRole::partner || !device.partner_id) {
            fail(ErrorCode::forbidden, "only a partner device has grants given to it");
        }
        protocol::GrantList list;
        for (const auto& grant : repo.grants_to_partner(*device.partner_id, context.clock())) {
            list.grants.push_back(to_view(grant));
        }
        return binary(protocol::encode(list));
    }
    if (area == "web" && parts.size() == 3 && parts[2] == "login-links" && method == "POST") {
        meta.route = "POST /v1/web/login-links";
        const auto device = call.device();
        return binary(protocol::encode(issue_login_link(context, device, year_of(request.query))),
                      201);
    }
    if (area == "sites" && parts.size() == 3 && method == "GET") {
        meta.route = "GET /v1/sites/<ods>";
        const auto device = call.device();
        const auto site = repo.find_site(parts[2]);
        if (!site) {
            // The same answer as for a site of another organisation.
            fail(ErrorCode::forbidden, "this device may not read site " + parts[2]);
        }
        context.policy.require_site(device, *site, Access::read_progress);
        return binary(
            protocol::encode(protocol::SiteInfo{site->ods, site->cqc_location_id, site->name}));
    }
    meta.route = method + " (unrouted)";
    return not_found(request);
}

}  // namespace

http::Response Router::handle(const http::Request& request) const {
    http::Response meta;
    http::Response response;
    try {
        response = route(context_, request, meta);
    } catch (const Error& e) {
        if (http_status_for(e.code()) == 500) {
            std::fprintf(stderr, "server error on %s %s: %s\n", request.method.c_str(),
                         request.path.c_str(), e.what());
        }
        response = error_response(e);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "internal error on %s %s: %s\n", request.method.c_str(),
                     request.path.c_str(), e.what());
        response = error_response(Error(ErrorCode::internal, e.what()));
    }
    response.route = meta.route.empty() ? request.method + " (unrouted)" : meta.route;
    response.device = meta.device;
    return response;
}

}  // namespace dspt::server::api
