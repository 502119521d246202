#include "server/sync/sync_exchange.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "common/crypto/blake2b.hpp"
#include "common/crypto/encoding.hpp"
#include "protocol/codec.hpp"
#include "server/sync/scope_access.hpp"

namespace dspt::server::sync {

namespace {

template <class Message>
std::string digest_of(const Message& message) {
    const auto bytes = protocol::encode(message);
    return crypto::to_hex(crypto::blake2b(crypto::as_byte_view(bytes), crypto::kBlake2bMinBytes));
}

// The request's batch: its changes and their value bytes.
struct ExchangeBatch {
    std::uint64_t changes = 0;
    std::uint64_t bytes = 0;
};

ExchangeBatch exchange_batch_of(const protocol::SyncRequest& request) {
    ExchangeBatch batch{request.entries.size(), 0};
    for (const auto& entry : request.entries) {
        batch.bytes += entry.payload.size();
    }
    return batch;
}

// What is left to send after the batch: the reported figures less the batch.
protocol::SyncHealth left_after(const protocol::SyncHealth& reported, const ExchangeBatch& batch,
                                bool last_page) {
    protocol::SyncHealth left;
    left.pending_changes =
        reported.pending_changes - std::min<std::uint64_t>(reported.pending_changes, batch.changes);
    const bool anything_left = left.pending_changes > 0;
    left.pending_bytes =
        anything_left ? reported.pending_bytes - std::min(reported.pending_bytes, batch.bytes) : 0;
    left.oldest_pending_age_ms = anything_left ? reported.oldest_pending_age_ms : 0;
    left.finished = left.pending_changes == 0 && last_page;
    return left;
}

}  // namespace

std::string list_digest(const protocol::PublicationList& publications) {
    return digest_of(publications);
}

std::string list_digest(const protocol::OrganisationView& organisation) {
    return digest_of(organisation);
}

protocol::SyncResponse SyncExchange::exchange(const store::Device& device,
                                              protocol::SyncRequest request, std::int64_t now_ms) {
    require_syncing_device(device);
    const auto batch = exchange_batch_of(request);  // counted before the entries move into the push
    protocol::SyncResponse response;
    if (!request.entries.empty()) {
        try {
            response.push = sync_.push(device, protocol::PushRequest{std::move(request.entries)});
        } catch (...) {
            // Refused whole: what waits on the device is still worth knowing.
            auto reported = request.health;
            reported.finished = false;
            progress_.record_health(device, reported, now_ms);
            throw;
        }
    }
    response.page = sync_.pull(device, request.since);
    for (const auto& evidence_id : request.evidence) {
        response.evidence.push_back(blobs_.status(device, evidence_id));
    }
    auto publications = publishing_.publications(device);
    if (auto digest = list_digest(publications); digest != request.publications_digest) {
        response.publications_changed = true;
        response.publications = std::move(publications);
        response.publications_digest = std::move(digest);
    }
    if (device.role == store::DeviceRole::headquarters) {
        policy_.require_organisation(device, device.organisation_ods, auth::Access::read_progress);
        auto organisation = organisations_.organisation(device.organisation_ods);
        if (auto digest = list_digest(organisation); digest != request.sites_digest) {
            response.sites_changed = true;
            response.sites = std::move(organisation.sites);
            response.sites_digest = std::move(digest);
        }
    }
    const auto left = left_after(request.health, batch, !response.page.more);
    progress_.record_health(device, left, now_ms);
    response.finished = left.finished;
    return response;
}

}  // namespace dspt::server::sync
