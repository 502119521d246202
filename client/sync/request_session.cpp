#include "client/sync/request_session.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "protocol/codec.hpp"
#include "protocol/session_auth.hpp"
#include "protocol/session_messages.hpp"
#include "protocol/signing.hpp"

namespace dspt::client {

namespace {

// A session is opened again this long before the server says it ends (a tenth of
// its life, at most a minute), so a request rarely meets an expired one.
std::int64_t renewal_margin_ms(std::int64_t lifetime_ms) {
    return std::min<std::int64_t>(lifetime_ms / 10, 60'000);
}

// The server's refusal of a session it does not hold.
bool asks_for_new_session(const HttpResponse& response) {
    if (response.status != 401) {
        return false;
    }
    const auto json = nlohmann::json::parse(response.body, nullptr, false);
    const std::string field(protocol::kSessionRefusalField);
    return json.is_object() && json.contains(field) && json[field].is_string() &&
           json[field].get<std::string>() == protocol::kSessionRefusalNew;
}

}  // namespace

HttpResponse RequestSession::send_signed(HttpRequest request) {
    const auto now = static_cast<std::int64_t>(wall_());
    const auto headers = protocol::sign_request(signing_, device_id_, request.method,
                                                request.target, request.body, now);
    request.headers[std::string(protocol::kDeviceHeader)] = headers.device_id;
    request.headers[std::string(protocol::kTimestampHeader)] = headers.timestamp;
    request.headers[std::string(protocol::kNonceHeader)] = headers.nonce;
    request.headers[std::string(protocol::kSignatureHeader)] = headers.signature;
    return transport_.send(std::move(request));
}

HttpResponse RequestSession::send(HttpRequest request, std::string body_hash) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        std::optional<HttpResponse> refusal;
        const auto ticket = next_ticket(refusal);
        if (refusal) {
            return std::move(*refusal);
        }
        if (!ticket) {
            break;  // the server offers no sessions
        }
        if (body_hash.empty()) {
            body_hash = protocol::request_body_hash(request.body);  // once for every attempt
        }
        // Kept for a second attempt: the server may not hold the session.
        HttpRequest in_session = request;
        const auto headers =
            protocol::mac_request_with_body_hash(ticket->key, ticket->session_id, ticket->counter,
                                                 request.method, request.target, body_hash);
        in_session.headers[std::string(protocol::kSessionHeader)] = headers.session_id;
        in_session.headers[std::string(protocol::kCounterHeader)] = headers.counter;
        in_session.headers[std::string(protocol::kMacHeader)] = headers.mac;
        auto response = transport_.send(std::move(in_session));
        if (!asks_for_new_session(response)) {
            return response;
        }
        forget(ticket->session_id);
    }
    return send_signed(std::move(request));
}

std::optional<RequestSession::Ticket> RequestSession::next_ticket(
    std::optional<HttpResponse>& refusal) {
    const std::lock_guard guard(lock_);
    if (std::exchange(first_, false) || !offered_) {
        return std::nullopt;
    }
    if (!open_ || wall_() >= open_->renew_at_ms) {
        open_.reset();
        refusal = open_session();
        if (refusal || !open_) {
            return std::nullopt;
        }
    }
    return Ticket{open_->session_id, open_->key, open_->next_counter++};
}

std::optional<HttpResponse> RequestSession::open_session() {
    const auto pair = crypto::SessionKeyPair::generate();
    protocol::SessionRequest request;
    request.client_public_key.assign(pair.public_key().begin(), pair.public_key().end());
    HttpRequest http;
    http.method = "POST";
    http.target = "/v1/session";
    http.content_type = "application/x-dspt";
    http.body = protocol::encode(request);
    auto response = send_signed(std::move(http));
    if (response.status == 404) {
        offered_ = false;  // a server from before sessions: sign every request
        return std::nullopt;
    }
    if (response.status < 200 || response.status >= 300) {
        return response;
    }
    const auto offer = protocol::decode<protocol::SessionOffer>(response.body);
    if (!protocol::is_valid_session_id(offer.session_id) || offer.lifetime_ms <= 0) {
        fail(ErrorCode::protocol, "the server's session offer is malformed");
    }
    const auto started = wall_();
    open_ = Open{offer.session_id, pair.client_request_key(offer.server_public_key),
                 started + static_cast<std::uint64_t>(offer.lifetime_ms -
                                                      renewal_margin_ms(offer.lifetime_ms)),
                 1};
    return std::nullopt;
}

void RequestSession::forget(const std::string& session_id) {
    const std::lock_guard guard(lock_);
    if (open_ && open_->session_id == session_id) {
        open_.reset();
    }
}

}  // namespace dspt::client
