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
#include "protocol/sync_own_changes.hpp"

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

// The server's refusal of a counter it saw before. A kept session's counters are
// reserved in the store, so this means the store went back in time (a copy put
// back): the session is of no more use.
bool refuses_counter(const HttpResponse& response) {
    return response.status == 401 &&
           response.body.find("replayed request: this session's counter") != std::string::npos;
}

// At most this many counters of a kept session are reserved at a time, fewer at
// first: a run that makes one request skips few.
constexpr std::uint64_t kMaxCounterBlock = 32;

// A request may open a session itself (?session_key=) when the server reads its query
// leniently: one with no query, or the sync exchange's, which every server with request
// sessions answers whatever else its query holds. Others (a pull's since=) are parsed
// strictly.
bool may_open_inline(std::string_view target) {
    return target.find('?') == std::string_view::npos || target == protocol::kSyncTargetOwnBySeq;
}

}  // namespace

void RequestSession::sign(HttpRequest& request) {
    const auto now = static_cast<std::int64_t>(wall_());
    const auto headers = protocol::sign_request(signing_, device_id_, request.method,
                                                request.target, request.body, now);
    request.headers[std::string(protocol::kDeviceHeader)] = headers.device_id;
    request.headers[std::string(protocol::kTimestampHeader)] = headers.timestamp;
    request.headers[std::string(protocol::kNonceHeader)] = headers.nonce;
    request.headers[std::string(protocol::kSignatureHeader)] = headers.signature;
}

void RequestSession::mac(HttpRequest& request, const Ticket& ticket, const std::string& body_hash) {
    const auto headers = protocol::mac_request_with_body_hash(
        ticket.key, ticket.session_id, ticket.counter, request.method, request.target, body_hash);
    request.headers[std::string(protocol::kSessionHeader)] = headers.session_id;
    request.headers[std::string(protocol::kCounterHeader)] = headers.counter;
    request.headers[std::string(protocol::kMacHeader)] = headers.mac;
}

void RequestSession::unstamp(HttpRequest& request) {
    for (const auto name :
         {protocol::kDeviceHeader, protocol::kTimestampHeader, protocol::kNonceHeader,
          protocol::kSignatureHeader, protocol::kSessionHeader, protocol::kCounterHeader,
          protocol::kMacHeader}) {
        request.headers.erase(std::string(name));
    }
}

HttpResponse RequestSession::send_signed(HttpRequest request) {
    sign(request);
    return transport_.send(std::move(request));
}

RequestSession::Stamped RequestSession::stamp(HttpRequest request, std::string body_hash) {
    std::optional<Ticket> ticket;
    {
        const std::lock_guard guard(lock_);
        if (offered_) {
            ticket = live_ticket();
        }
    }
    if (!ticket) {
        sign(request);
        return {std::move(request), "", false};
    }
    if (body_hash.empty()) {
        body_hash = protocol::request_body_hash(request.body);
    }
    mac(request, *ticket, body_hash);
    return {std::move(request), ticket->session_id, ticket->kept};
}

bool RequestSession::refused(const Stamped& stamped, const HttpResponse& response) {
    if (stamped.session_id.empty() ||
        !(asks_for_new_session(response) || (stamped.kept && refuses_counter(response)))) {
        return false;
    }
    forget(stamped.session_id);
    return true;
}

HttpResponse RequestSession::send(HttpRequest request, std::string body_hash) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        std::optional<HttpResponse> refusal;
        bool open_inline = may_open_inline(request.target);
        const auto ticket = next_ticket(refusal, open_inline);
        if (refusal) {
            return std::move(*refusal);
        }
        if (!ticket) {
            if (open_inline) {
                return send_opening(std::move(request));
            }
            break;  // the first request, or the server offers no sessions
        }
        if (body_hash.empty()) {
            body_hash = protocol::request_body_hash(request.body);  // once for every attempt
        }
        // Kept for a second attempt: the server may not hold the session.
        HttpRequest in_session = request;
        mac(in_session, *ticket, body_hash);
        auto response = transport_.send(std::move(in_session));
        if (!asks_for_new_session(response) && !(ticket->kept && refuses_counter(response))) {
            return response;
        }
        forget(ticket->session_id);
    }
    return send_signed(std::move(request));
}

std::optional<RequestSession::Ticket> RequestSession::next_ticket(
    std::optional<HttpResponse>& refusal, bool& open_inline) {
    const bool can_open_inline = std::exchange(open_inline, false);
    const std::lock_guard guard(lock_);
    if (!offered_) {
        first_ = false;
        return std::nullopt;
    }
    if (auto ticket = live_ticket()) {
        return ticket;
    }
    const bool first = std::exchange(first_, false);
    if (keep_ != nullptr && inline_offered_ && can_open_inline) {
        open_inline = true;
        return std::nullopt;
    }
    if (first) {
        return std::nullopt;
    }
    refusal = open_session();
    if (refusal || !open_) {
        return std::nullopt;
    }
    return Ticket{open_->session_id, open_->key, open_->next_counter++, open_->kept};
}

std::optional<RequestSession::Ticket> RequestSession::live_ticket() {
    const auto now = wall_();
    if (open_ && now >= open_->renew_at_ms) {
        open_.reset();
    }
    if (open_ && open_->next_counter == open_->end_counter) {
        // A kept session's block is used up: another from the store, unless the
        // store now keeps another session.
        if (const auto first = keep_->reserve(open_->session_id, block_)) {
            open_->next_counter = *first;
            open_->end_counter = *first + block_;
            block_ = std::min(block_ * 2, kMaxCounterBlock);
        } else {
            open_.reset();
        }
    }
    if (!open_ && keep_ != nullptr) {
        if (auto taken = keep_->take(now, block_)) {
            open_ = Open{taken->session.session_id,     taken->session.key,
                         taken->session.renew_at_ms,    taken->first_counter,
                         taken->first_counter + block_, true};
            block_ = std::min(block_ * 2, kMaxCounterBlock);
        }
    }
    if (!open_) {
        return std::nullopt;
    }
    first_ = false;
    return Ticket{open_->session_id, open_->key, open_->next_counter++, open_->kept};
}

HttpResponse RequestSession::send_opening(HttpRequest request) {
    const auto pair = crypto::SessionKeyPair::generate();
    request.target = protocol::with_session_key(request.target, pair.public_key());
    const auto started = wall_();
    auto response = send_signed(std::move(request));
    const std::lock_guard guard(lock_);
    if (response.session_offer.empty()) {
        if (response.status >= 200 && response.status < 300) {
            inline_offered_ = false;  // a server from before: POST /v1/session from now on
        }
        return response;
    }
    try {
        const auto offer = protocol::parse_session_offer(response.session_offer);
        take_offer(pair, offer.session_id, offer.server_public_key, offer.lifetime_ms, started);
    } catch (const Error&) {
        // The request was answered; only its offer is unusable.
        inline_offered_ = false;
    }
    return response;
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
    const auto started = wall_();
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
    take_offer(pair, offer.session_id, offer.server_public_key, offer.lifetime_ms, started);
    return std::nullopt;
}

void RequestSession::take_offer(const crypto::SessionKeyPair& pair, const std::string& session_id,
                                const crypto::Bytes& server_public_key, std::int64_t lifetime_ms,
                                std::uint64_t started) {
    const auto renew_at =
        started + static_cast<std::uint64_t>(lifetime_ms - renewal_margin_ms(lifetime_ms));
    open_ = Open{session_id, pair.client_request_key(server_public_key), renew_at, 1, UINT64_MAX,
                 false};
    if (keep_ != nullptr && keep_->keep({session_id, open_->key, started, renew_at}, 1 + block_)) {
        open_->end_counter = 1 + block_;
        open_->kept = true;
        block_ = std::min(block_ * 2, kMaxCounterBlock);
    }
}

void RequestSession::forget(const std::string& session_id) {
    const std::lock_guard guard(lock_);
    if (open_ && open_->session_id == session_id) {
        open_.reset();
    }
    if (keep_ != nullptr) {
        keep_->drop(session_id);
    }
}

}  // namespace dspt::client
