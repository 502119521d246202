#include "client/sync/sync_run.hpp"

#include "client/store/publish_state.hpp"
#include "client/store/sync_state.hpp"
#include "common/clock/hybrid_clock.hpp"
#include "common/error.hpp"
#include "common/standards/pack_digest.hpp"

namespace dspt::client {

SyncReport sync_with_retry(const SessionOpener& open, const RetryPolicy& policy,
                           const RetryNotice& notice, const Sleeper& sleep,
                           const SyncProgressFn& progress) {
    // What the attempts so far moved, counted by each attempt's client as it goes,
    // so a failed attempt's count survives it.
    std::uint64_t moved_before = 0;
    ApiClient* current = nullptr;
    const auto moved = [&] { return moved_before + (current ? current->moved() : 0); };
    return with_retry(
        policy,
        [&] {
            const auto session = open();
            current = &session->api();
            struct Done {
                std::uint64_t& before;
                ApiClient*& current;
                ~Done() {
                    before += current->moved();
                    current = nullptr;
                }
            } done{moved_before, current};
            auto report =
                sync_once(session->store(), session->api(), session->identity(), progress);
            record_sync(session->store(), session->store().now_ms());
            if (!report.storage_full.empty()) {
                fail(ErrorCode::limit_exceeded,
                     report.storage_full +
                         ". Everything else was synced; the evidence files not sent wait on this "
                         "device for a later sync");
            }
            return report;
        },
        notice, sleep, moved);
}

protocol::PublishResponse publish_synced(LocalStore& store, ApiClient& api, standards::Level level,
                                         std::vector<std::string> sites, const RetryPolicy& policy,
                                         const RetryNotice& notice, const Sleeper& sleep) {
    const auto backlog = sync_backlog(store);
    if (backlog.changes > 0) {
        fail(ErrorCode::failed_precondition,
             std::to_string(backlog.changes) +
                 " change(s) of this device have not reached the server: sync first");
    }
    const auto intent = publish_intent(store, level, std::move(sites));

    protocol::PublishRequest request;
    request.request_id = publish_request_id(store, intent);
    request.year = intent.year;
    request.level = intent.level;
    request.sites = intent.sites;
    request.replica_id = store.info().replica_id;
    request.last_seq = store.outbox().last_seq();
    // The pack the store evaluates with, so the server evaluates with the same one.
    request.pack_version = store.pack().version;
    request.pack_digest = standards::pack_digest(store.pack());
    // The id is given up only once an answer arrives: a publication, or the
    // problems (then nothing is recorded under it). A failure keeps it, even
    // a refusal: an earlier try may have published before its answer was
    // lost, and a refusal of a later one (a replayed request, say) tells
    // nothing of that. Asking again with a kept id is always safe: the server
    // answers a recorded id with its publication and judges any other afresh.
    auto answer = with_retry(
        policy, [&] { return api.publish(request); }, notice, sleep);
    forget_publish_request(store);
    if (answer.published && !answer.duplicate) {
        remember_publication(store, answer.publication);
    }
    return answer;
}

protocol::PublishResponse publish_synced(ServerSession& session, standards::Level level,
                                         std::vector<std::string> sites, const RetryPolicy& policy,
                                         const RetryNotice& notice, const Sleeper& sleep) {
    return publish_synced(session.store(), session.api(), level, std::move(sites), policy, notice,
                          sleep);
}

}  // namespace dspt::client
