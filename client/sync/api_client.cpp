#include "client/sync/api_client.hpp"

#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/form_encoding.hpp"
#include "protocol/codec.hpp"
#include "protocol/sync_own_changes.hpp"

namespace dspt::client {

namespace {

// The server's error body {"error": "<code>", "message": "..."} as an Error.
[[noreturn]] void throw_server_error(const HttpResponse& response) {
    const auto json = nlohmann::json::parse(response.body, nullptr, false);
    std::string message = "the server answered " + std::to_string(response.status);
    ErrorCode code = ErrorCode::network;
    if (json.is_object() && json.contains("message") && json["message"].is_string()) {
        message = json["message"].get<std::string>();
        const auto name = json.value("error", "");
        for (int c = static_cast<int>(ErrorCode::invalid_argument);
             c <= static_cast<int>(ErrorCode::internal); ++c) {
            if (to_string(static_cast<ErrorCode>(c)) == name) {
                code = static_cast<ErrorCode>(c);
            }
        }
    }
    if (code == ErrorCode::internal) {
        code = ErrorCode::unavailable;  // a server fault, not a client one
    }
    fail(code, "server: " + message);
}

}  // namespace

std::string ApiClient::call(const std::string& method, const std::string& target, std::string body,
                            const std::string& content_type) {
    HttpRequest request;
    request.method = method;
    request.target = target;
    request.content_type = content_type;
    // Bodies may be evidence chunks of a mebibyte: moved here (a request session keeps
    // one copy while the server may ask it to send the request again).
    request.body = std::move(body);
    return send(std::move(request));
}

std::string ApiClient::send(HttpRequest request, std::string body_hash) {
    const auto response = session_ ? session_->send(std::move(request), std::move(body_hash))
                                   : transport_.send(std::move(request));
    if (response.status < 200 || response.status >= 300) {
        throw_server_error(response);
    }
    return response.body;
}

protocol::EnrolResponse ApiClient::enrol(const protocol::EnrolRequest& request) {
    return protocol::decode<protocol::EnrolResponse>(
        call("POST", "/v1/enrol", protocol::encode(request)));
}

protocol::Identity ApiClient::whoami() {
    return protocol::decode<protocol::Identity>(call("GET", "/v1/whoami"));
}

protocol::InviteResponse ApiClient::invite(const protocol::InviteRequest& request) {
    return protocol::decode<protocol::InviteResponse>(
        call("POST", "/v1/invites", protocol::encode(request)));
}

protocol::InviteList ApiClient::invites() {
    return protocol::decode<protocol::InviteList>(call("GET", "/v1/invites"));
}

protocol::InviteView ApiClient::cancel_invite(const std::string& token_id) {
    return protocol::decode<protocol::InviteView>(
        call("DELETE", "/v1/invites/" + percent_encode(token_id)));
}

void ApiClient::put_recovery(const protocol::KeyEnvelope& envelope) {
    call("PUT", "/v1/org/recovery", protocol::encode(envelope));
}

protocol::KeyEnvelope ApiClient::recovery() {
    return protocol::decode<protocol::KeyEnvelope>(call("GET", "/v1/org/recovery"));
}

protocol::OrganisationView ApiClient::organisation(const std::string& ods) {
    return protocol::decode<protocol::OrganisationView>(
        call("GET", "/v1/orgs/" + percent_encode(ods)));
}

protocol::PushResponse ApiClient::push(const protocol::PushRequest& request) {
    auto response = protocol::decode<protocol::PushResponse>(
        call("POST", "/v1/sync/push", protocol::encode(request)));
    moved_ += response.results.empty() ? 0 : 1;
    return response;
}

protocol::PullResponse ApiClient::pull(std::int64_t since) {
    auto response = protocol::decode<protocol::PullResponse>(
        call("GET", "/v1/sync/pull?since=" + std::to_string(since)));
    moved_ += response.registers.empty() ? 0 : 1;
    return response;
}

protocol::SyncResponse ApiClient::exchange(const protocol::SyncRequest& request) {
    std::string body;
    try {
        // The answer refers to this batch's own changes (protocol/sync_own_changes.hpp).
        body = call("POST", std::string(protocol::kSyncTargetOwnBySeq), protocol::encode(request));
    } catch (const Error& e) {
        // A server from before the one-request sync has no such endpoint.
        if (e.code() == ErrorCode::not_found &&
            std::string_view(e.what()).find("no such endpoint") != std::string_view::npos) {
            fail(ErrorCode::failed_precondition,
                 "the server is older than this dspt: it has no one-request sync (POST "
                 "/v1/sync). Ask whoever runs it to upgrade the server; every change waits on "
                 "this device until then");
        }
        throw;
    }
    auto response = protocol::decode<protocol::SyncResponse>(body);
    protocol::restore_own_changes(request, response);
    moved_ += response.push.results.empty() && response.page.registers.empty() ? 0 : 1;
    return response;
}

protocol::PublishResponse ApiClient::publish(const protocol::PublishRequest& request) {
    return protocol::decode<protocol::PublishResponse>(
        call("POST", "/v1/publish", protocol::encode(request)));
}

void ApiClient::sync_health(const protocol::SyncHealth& health) {
    call("POST", "/v1/sync/health", protocol::encode(health));
}

protocol::ProgressReport ApiClient::progress(const std::string& organisation_ods,
                                             const std::string& year) {
    return protocol::decode<protocol::ProgressReport>(call(
        "GET",
        "/v1/orgs/" + percent_encode(organisation_ods) + "/progress?year=" + percent_encode(year)));
}

protocol::ProgressReport ApiClient::partner_progress(const std::string& year) {
    return protocol::decode<protocol::ProgressReport>(
        call("GET", "/v1/partner/progress?year=" + percent_encode(year)));
}

protocol::PartnerSummary ApiClient::partner_summary(const std::string& year) {
    return protocol::decode<protocol::PartnerSummary>(
        call("GET", "/v1/partner/summary?year=" + percent_encode(year)));
}

void ApiClient::set_partner_group(const std::string& organisation_ods, const std::string& label) {
    call("PUT", "/v1/partner/groups/" + percent_encode(organisation_ods),
         protocol::encode(protocol::PartnerGroupRequest{label}));
}

protocol::PublicationList ApiClient::publications() {
    return protocol::decode<protocol::PublicationList>(call("GET", "/v1/publications"));
}

std::string ApiClient::certificate(const std::string& year, const std::string& format) {
    return call("GET", "/v1/certificates/" + percent_encode(year) + "." + format);
}

protocol::WebLoginLink ApiClient::web_login_link(const std::string& year) {
    return protocol::decode<protocol::WebLoginLink>(
        call("POST", "/v1/web/login-links?year=" + percent_encode(year)));
}

protocol::BlobStatus ApiClient::blob_status(const std::string& evidence_id) {
    return protocol::decode<protocol::BlobStatus>(
        call("GET", "/v1/blobs/" + percent_encode(evidence_id)));
}

HttpRequest ApiClient::blob_chunk_request(const std::string& evidence_id, std::uint32_t index,
                                          const std::string& scope, std::string sealed) {
    HttpRequest request;
    request.method = "PUT";
    request.target = "/v1/blobs/" + percent_encode(evidence_id) + "/" + std::to_string(index) +
                     (scope.empty() ? "" : "?scope=" + percent_encode(scope));
    request.content_type = "application/octet-stream";
    request.body = std::move(sealed);
    return request;
}

void ApiClient::put_blob_chunk(const std::string& evidence_id, std::uint32_t index,
                               const std::string& scope, std::string sealed,
                               std::string sealed_hash) {
    send(blob_chunk_request(evidence_id, index, scope, std::move(sealed)), std::move(sealed_hash));
    ++moved_;
}

void ApiClient::set_side_lane(std::function<std::unique_ptr<Transport>()> make) {
    make_side_ = std::move(make);
    side_.reset();
}

ApiClient::PendingChunk ApiClient::put_blob_chunk_aside(const std::string& evidence_id,
                                                        std::uint32_t index,
                                                        const std::string& scope,
                                                        std::string sealed,
                                                        std::string sealed_hash) {
    if (!has_side_lane()) {
        fail(ErrorCode::internal, "put_blob_chunk_aside without a side lane");
    }
    if (!side_) {
        side_ = make_side_();
    }
    PendingChunk pending;
    pending.api_ = this;
    pending.stamped_ = std::make_shared<RequestSession::Stamped>(session_->stamp(
        blob_chunk_request(evidence_id, index, scope, std::move(sealed)), std::move(sealed_hash)));
    // The stamped request stays here, in case it must go again; the thread sends
    // a copy, made there rather than on the caller's time.
    pending.answer_ =
        std::async(std::launch::async, [transport = side_.get(), stamped = pending.stamped_] {
            return transport->send(stamped->request);
        });
    return pending;
}

bool ApiClient::PendingChunk::ready() const {
    return answer_.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

void ApiClient::PendingChunk::wait() {
    auto response = answer_.get();
    if (api_->session_->refused(*stamped_, response)) {
        RequestSession::unstamp(stamped_->request);
        response = api_->session_->send(std::move(stamped_->request));
    }
    if (response.status < 200 || response.status >= 300) {
        throw_server_error(response);
    }
    ++api_->moved_;
}

std::string ApiClient::blob_chunk(const std::string& evidence_id, std::uint32_t index) {
    auto chunk =
        call("GET", "/v1/blobs/" + percent_encode(evidence_id) + "/" + std::to_string(index));
    ++moved_;
    return chunk;
}

protocol::SiteInfo ApiClient::site(const std::string& ods) {
    return protocol::decode<protocol::SiteInfo>(call("GET", "/v1/sites/" + percent_encode(ods)));
}

protocol::GrantView ApiClient::give_grant(const std::string& organisation_ods,
                                          const std::string& partner_name,
                                          const std::string& until) {
    protocol::GrantRequest request;
    request.partner_name = partner_name;
    request.until = until;
    return protocol::decode<protocol::GrantView>(
        call("POST", "/v1/orgs/" + percent_encode(organisation_ods) + "/grants",
             protocol::encode(request)));
}

protocol::GrantView ApiClient::revoke_grant(const std::string& organisation_ods,
                                            const std::string& partner_name) {
    return protocol::decode<protocol::GrantView>(
        call("DELETE", "/v1/orgs/" + percent_encode(organisation_ods) + "/grants/" +
                           percent_encode(partner_name)));
}

protocol::GrantList ApiClient::grants(const std::string& organisation_ods) {
    return protocol::decode<protocol::GrantList>(
        call("GET", "/v1/orgs/" + percent_encode(organisation_ods) + "/grants"));
}

protocol::GrantList ApiClient::partner_grants() {
    return protocol::decode<protocol::GrantList>(call("GET", "/v1/partner/grants"));
}

}  // namespace dspt::client
