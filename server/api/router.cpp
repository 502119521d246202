#include "server/api/router.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/crypto/bytes.hpp"
#include "common/form_encoding.hpp"
#include "protocol/codec.hpp"
#include "protocol/partner_messages.hpp"
#include "protocol/progress_messages.hpp"
#include "protocol/publish_messages.hpp"
#include "protocol/session_auth.hpp"
#include "protocol/session_messages.hpp"
#include "protocol/sync_messages.hpp"
#include "protocol/sync_own_changes.hpp"
#include "server/api/error_response.hpp"
#include "server/api/public_routes.hpp"
#include "server/api/route_table.hpp"
#include "server/api/web_routes.hpp"
#include "server/progress/partner_summary.hpp"

namespace dspt::server::api {

namespace {

using auth::Access;

// The scope of "scope=<site ODS code>"; "" (organisation-wide) when absent.
std::string scope_of(std::string_view query) {
    return only_field(query, "scope", "the query must be scope=<site>").value_or("");
}

// The `since` of "since=<cursor>"; 0 when absent.
std::int64_t cursor_of(std::string_view query) {
    constexpr std::string_view kUsage = "the query must be since=<cursor>, a whole number";
    const auto digits = only_field(query, "since", kUsage);
    if (!digits) {
        return 0;
    }
    std::int64_t cursor = 0;
    const auto [end, ec] = std::from_chars(digits->data(), digits->data() + digits->size(), cursor);
    if (digits->empty() || ec != std::errc{} || end != digits->data() + digits->size() ||
        cursor < 0) {
        fail(ErrorCode::invalid_argument, std::string(kUsage));
    }
    return cursor;
}

// The year of "year=<standards year>", which progress needs.
std::string year_of(std::string_view query) {
    constexpr std::string_view kUsage = "the query must be year=<standards year>, e.g. 2025-26";
    auto year = only_field(query, "year", kUsage);
    if (!year || year->empty()) {
        fail(ErrorCode::invalid_argument, std::string(kUsage));
    }
    return std::move(*year);
}

http::Response binary(std::string body, int status = 200) {
    http::Response response;
    response.status = status;
    response.content_type = "application/x-dspt";
    response.body = std::move(body);
    return response;
}

// One request as a handler sees it: its context, the path's captures, the body, and
// the metadata the access log reads (the route's name, the authenticated device).
class Call {
  public:
    Call(Context& shared, const http::Request& received, http::Response& meta,
         PathCaptures captures)
        : context(shared), request(received), meta_(meta), captures_(std::move(captures)) {}

    Context& context;
    const http::Request& request;

    // Authenticates the request; the device is logged with it. A signed request
    // carrying the device's session key (protocol/session_auth.hpp) opens a
    // session whose offer the answer carries (offer_headers()).
    store::Device device() {
        auto device = context.authenticator.authenticate(request);
        meta_.device = device.id;
        const bool in_session = !request.header(protocol::kSessionHeader).empty();
        meta_.authenticated_by = in_session ? "session" : "signature";
        if (!in_session && !request.query.empty()) {
            std::optional<crypto::Bytes> key;
            try {
                key = protocol::session_key_parameter(request.query);
            } catch (const Error& e) {
                fail(ErrorCode::invalid_argument, std::string("the request's ") + e.what());
            }
            if (key) {
                protocol::SessionRequest open;
                open.client_public_key = std::move(*key);
                offer_ = context.authenticator.open_session(device, open);
            }
        }
        return device;
    }

    // Adds the offer of a session opened by device() to `response`.
    void offer_headers(http::Response& response) const {
        if (offer_) {
            response.headers[std::string(protocol::kSessionOfferHeader)] =
                protocol::format_session_offer(*offer_);
            response.headers[std::string(protocol::kSessionHeader)] = offer_->session_id;
        }
    }

    // Authenticates the request by its signature only (opening a session).
    store::Device signed_device() {
        auto device = context.authenticator.authenticate_signed(request);
        meta_.device = device.id;
        meta_.authenticated_by = "signature";
        return device;
    }

    // The device to log when the request made it (enrolment).
    void log_device(std::string device_id) { meta_.device = std::move(device_id); }

    // Names the route for the log when its pattern is not name enough.
    void name_route(std::string route) { meta_.route = std::move(route); }

    template <class T>
    T body() const {
        return protocol::decode<T>(request.body);
    }

    // The percent-decoded path segment the route's pattern captured as <name>.
    const std::string& path(std::string_view name) const { return captures_[name]; }

    std::int64_t now() const { return context.clock(); }

  private:
    http::Response& meta_;
    PathCaptures captures_;
    std::optional<protocol::SessionOffer> offer_;
};

using ApiHandler = http::Response (*)(Call&);

// ---- Enrolment and the organisation key ----------------------------------------------

http::Response enrol_device(Call& call) {
    const auto response = call.context.enrolment.enrol(call.body<protocol::EnrolRequest>());
    call.log_device(response.device_id);
    return binary(protocol::encode(response), 201);
}

// A request session: the answer carries its id in a header too, where a proxy
// keeping a session on one server process reads it (deploy/production/haproxy.cfg).
http::Response open_request_session(Call& call) {
    const auto device = call.signed_device();
    const auto offer =
        call.context.authenticator.open_session(device, call.body<protocol::SessionRequest>());
    auto response = binary(protocol::encode(offer), 201);
    response.headers[std::string(protocol::kSessionHeader)] = offer.session_id;
    return response;
}

http::Response identify_device(Call& call) {
    return binary(protocol::encode(call.context.enrolment.identity(call.device())));
}

http::Response create_invite(Call& call) {
    const auto device = call.device();
    return binary(protocol::encode(
                      call.context.enrolment.invite(device, call.body<protocol::InviteRequest>())),
                  201);
}

http::Response list_invites(Call& call) {
    const auto device = call.device();
    return binary(protocol::encode(call.context.enrolment.invites(device)));
}

http::Response cancel_invite(Call& call) {
    const auto device = call.device();
    return binary(
        protocol::encode(call.context.enrolment.cancel_invite(device, call.path("token"))));
}

http::Response store_recovery_envelope(Call& call) {
    const auto device = call.device();
    call.context.enrolment.put_recovery(device, call.body<protocol::KeyEnvelope>());
    return binary({}, 204);
}

http::Response read_recovery_envelope(Call& call) {
    return binary(protocol::encode(call.context.enrolment.recovery(call.device())));
}

// ---- Organisations, sites and grants -------------------------------------------------

http::Response read_organisation(Call& call) {
    const auto device = call.device();
    const auto& ods = call.path("ods");
    call.context.policy.require_organisation(device, ods, Access::read_progress);
    return binary(protocol::encode(call.context.organisations.organisation(ods)));
}

http::Response read_organisation_progress(Call& call) {
    const auto device = call.device();
    return binary(protocol::encode(call.context.progress.organisation(
        device, call.path("ods"), year_of(call.request.query), call.now())));
}

http::Response list_grants(Call& call) {
    const auto device = call.device();
    const auto& ods = call.path("ods");
    call.context.policy.require_organisation(device, ods, Access::read);
    return binary(protocol::encode(call.context.grants.of_organisation(ods)));
}

http::Response give_organisation_grant(Call& call) {
    const auto device = call.device();
    const auto& ods = call.path("ods");
    call.context.policy.require_organisation(device, ods, Access::write);
    const auto request = call.body<protocol::GrantRequest>();
    return binary(protocol::encode(call.context.grants.give(device, ods, request, call.now())),
                  201);
}

http::Response revoke_organisation_grant(Call& call) {
    const auto device = call.device();
    const auto& ods = call.path("ods");
    call.context.policy.require_organisation(device, ods, Access::write);
    return binary(protocol::encode(
        call.context.grants.revoke(device, ods, call.path("partner"), call.now())));
}

http::Response read_site_info(Call& call) {
    const auto device = call.device();
    return binary(protocol::encode(call.context.organisations.site(device, call.path("ods"))));
}

// ---- Support partners ----------------------------------------------------------------

http::Response read_partner_progress(Call& call) {
    const auto device = call.device();
    call.context.policy.require_partner_progress(device);
    return binary(protocol::encode(
        call.context.progress.visible(device, year_of(call.request.query), call.now())));
}

http::Response read_partner_summary(Call& call) {
    const auto device = call.device();
    return binary(protocol::encode(progress::partner_summary(
        *call.context.repository, call.context.progress, call.context.policy, device,
        year_of(call.request.query), call.now())));
}

http::Response label_partner_group(Call& call) {
    const auto device = call.device();
    const auto request = call.body<protocol::PartnerGroupRequest>();
    progress::set_partner_group(*call.context.repository, call.context.policy, device,
                                call.path("ods"), request.label, call.now());
    return binary({}, 204);
}

http::Response list_partner_grants(Call& call) {
    const auto device = call.device();
    return binary(protocol::encode(call.context.grants.to_partner(device, call.now())));
}

// ---- Sync and evidence ---------------------------------------------------------------

http::Response push_changes(Call& call) {
    const auto device = call.device();
    return binary(
        protocol::encode(call.context.sync.push(device, call.body<protocol::PushRequest>())));
}

http::Response pull_changes(Call& call) {
    const auto device = call.device();
    return binary(protocol::encode(call.context.sync.pull(device, cursor_of(call.request.query))));
}

// POST /v1/sync?own=seq: the page refers to the device's own changes instead of
// repeating them (protocol/sync_own_changes.hpp); without it, as before.
http::Response exchange_changes(Call& call) {
    const auto device = call.device();
    const auto request = call.body<protocol::SyncRequest>();
    auto response = call.context.exchange.exchange(device, request, call.now());
    if (protocol::asks_own_changes_by_seq(call.request.query)) {
        protocol::refer_to_own_changes(request, response);
    }
    return binary(protocol::encode(response));
}

http::Response record_sync_health(Call& call) {
    const auto device = call.device();
    call.context.progress.record_health(device, call.body<protocol::SyncHealth>(), call.now());
    return binary({}, 204);
}

http::Response read_blob_status(Call& call) {
    const auto device = call.device();
    return binary(protocol::encode(call.context.blobs.status(device, call.path("evidence"))));
}

http::Response store_evidence_chunk(Call& call) {
    const auto device = call.device();
    const auto index = sync::parse_chunk_index(call.path("index"));
    call.context.blobs.put(device, call.path("evidence"), index, scope_of(call.request.query),
                           crypto::as_byte_view(call.request.body), call.now());
    return binary({}, 204);
}

http::Response read_evidence_chunk(Call& call) {
    const auto device = call.device();
    const auto chunk = call.context.blobs.get(device, call.path("evidence"),
                                              sync::parse_chunk_index(call.path("index")));
    auto response = binary(std::string(chunk.begin(), chunk.end()));
    response.content_type = "application/octet-stream";
    return response;
}

// ---- Publishing, certificates and browser sign-in ------------------------------------

http::Response publish_assessment(Call& call) {
    const auto device = call.device();
    const auto response =
        call.context.publishing.publish(device, call.body<protocol::PublishRequest>(), call.now());
    if (response.published && !response.duplicate) {
        prepare_certificates(call.context, response.publication.id,
                             response.publication.organisation_ods);
    }
    return binary(protocol::encode(response),
                  response.published && !response.duplicate ? 201 : 200);
}

http::Response list_publications(Call& call) {
    return binary(protocol::encode(call.context.publishing.publications(call.device())));
}

http::Response download_device_certificate(Call& call) {
    const auto& file = call.path("file");
    call.name_route(device_certificate_route(file));
    return device_certificate(call.context, call.device(), file);
}

http::Response issue_web_login_link(Call& call) {
    const auto device = call.device();
    return binary(
        protocol::encode(issue_login_link(call.context, device, year_of(call.request.query))), 201);
}

// Every /v1/ endpoint; the list at the top of router.hpp describes them.
constexpr Route<ApiHandler> kApiRoutes[] = {
    {"POST", "/v1/enrol", &enrol_device},
    {"POST", "/v1/session", &open_request_session},
    {"GET", "/v1/whoami", &identify_device},
    {"GET", "/v1/certificates/<file>", &download_device_certificate},
    {"POST", "/v1/invites", &create_invite},
    {"GET", "/v1/invites", &list_invites},
    {"DELETE", "/v1/invites/<token>", &cancel_invite},
    {"PUT", "/v1/org/recovery", &store_recovery_envelope},
    {"GET", "/v1/org/recovery", &read_recovery_envelope},
    {"GET", "/v1/orgs/<ods>", &read_organisation},
    {"GET", "/v1/orgs/<ods>/progress", &read_organisation_progress},
    {"GET", "/v1/orgs/<ods>/grants", &list_grants},
    {"POST", "/v1/orgs/<ods>/grants", &give_organisation_grant},
    {"DELETE", "/v1/orgs/<ods>/grants/<partner>", &revoke_organisation_grant},
    {"POST", "/v1/sync", &exchange_changes},
    {"POST", "/v1/sync/push", &push_changes},
    {"GET", "/v1/sync/pull", &pull_changes},
    {"POST", "/v1/sync/health", &record_sync_health},
    {"GET", "/v1/partner/progress", &read_partner_progress},
    {"GET", "/v1/blobs/<evidence>", &read_blob_status},
    {"PUT", "/v1/blobs/<evidence>/<index>", &store_evidence_chunk},
    {"GET", "/v1/blobs/<evidence>/<index>", &read_evidence_chunk},
    {"POST", "/v1/publish", &publish_assessment},
    {"GET", "/v1/publications", &list_publications},
    {"GET", "/v1/partner/grants", &list_partner_grants},
    {"GET", "/v1/partner/summary", &read_partner_summary},
    {"PUT", "/v1/partner/groups/<ods>", &label_partner_group},
    {"POST", "/v1/web/login-links", &issue_web_login_link},
    {"GET", "/v1/sites/<ods>", &read_site_info},
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
    auto found = find_route<ApiHandler>(kApiRoutes, request.method, path_segments(request.path));
    if (!found) {
        meta.route = request.method + " (unrouted)";
        return not_found(request);
    }
    meta.route = found->route->name();
    Call call(context, request, meta, std::move(found->captures));
    auto response = found->route->handler(call);
    call.offer_headers(response);
    return response;
}

}  // namespace

http::Response Router::handle(const http::Request& request) const {
    http::Response meta;
    http::Response response;
    try {
        response = route(context_, request, meta);
    } catch (const auth::UnknownSession& e) {
        response = new_session_response(e);
    } catch (const Error& e) {
        response = error_response(e);
        if (http_status_for(e.code()) == 500) {
            meta.error = e.what();  // the answer hides it; the access log carries it
        }
    } catch (const std::exception& e) {
        response = error_response(Error(ErrorCode::internal, e.what()));
        meta.error = e.what();
    }
    response.route = meta.route.empty() ? request.method + " (unrouted)" : std::move(meta.route);
    response.device = std::move(meta.device);
    response.authenticated_by = std::move(meta.authenticated_by);
    response.error = std::move(meta.error);
    return response;
}

}  // namespace dspt::server::api
