#include "client/sync/sync_engine.hpp"

#include "client/store/sync_state.hpp"
#include "common/clock/hybrid_clock.hpp"
#include "common/error.hpp"

namespace dspt::client {

namespace {

// The scope this device writes: its site, or the organisation ("") for a
// headquarters device.
std::string own_scope(const DeviceIdentity& identity) {
    return identity.role == protocol::Role::branch ? identity.site_ods : std::string();
}

nlohmann::json sibling_json(const protocol::RegisterValue& value) {
    return {{"replica_id", value.replica_id},
            {"author", value.author},
            {"hlc", value.hlc},
            {"version", value.version},
            {"value", nlohmann::json::parse(value.payload, nullptr, false)}};
}

std::int64_t now_ms() {
    return static_cast<std::int64_t>(HybridClock::system_millis());
}

}  // namespace

SyncReport sync_once(LocalStore& store, ApiClient& api, const DeviceIdentity& identity) {
    if (identity.role == protocol::Role::partner) {
        fail(ErrorCode::forbidden, "a partner device reads progress only and has nothing to sync");
    }
    SyncReport report;
    const auto scope = own_scope(identity);
    for (std::size_t round = 0; round < kMaxSyncRounds; ++round) {
        const auto pending = store.outbox().pending(kPushBatchEntries);
        if (pending.empty()) {
            break;
        }
        protocol::PushRequest request;
        for (const auto& entry : pending) {
            request.entries.push_back({entry.replica_id, entry.seq, entry.hlc.raw(), scope,
                                       entry.register_key, entry.base_version, entry.payload.dump(),
                                       entry.payload.value("answered_by", std::string())});
        }
        const auto response = api.push(request);
        if (response.results.size() != pending.size()) {
            fail(ErrorCode::protocol, "the server answered " +
                                          std::to_string(response.results.size()) + " of " +
                                          std::to_string(pending.size()) + " changes");
        }
        std::vector<PushAck> acks;
        for (std::size_t i = 0; i < pending.size(); ++i) {
            const auto& result = response.results[i];
            if (result.seq != pending[i].seq) {
                fail(ErrorCode::protocol, "the server answered for the wrong change");
            }
            if (result.outcome == protocol::PushOutcome::conflict) {
                ++report.conflicts;
            }
            acks.push_back({result.seq, pending[i].register_key, result.version});
        }
        acknowledge_pushed(store, acks, now_ms());
        report.pushed += acks.size();
    }
    for (std::size_t round = 0; round < kMaxSyncRounds; ++round) {
        const auto since = pull_cursor(store);
        const auto page = api.pull(since);
        std::vector<PulledRegister> registers;
        for (const auto& state : page.registers) {
            PulledRegister reg;
            reg.scope = state.scope;
            reg.register_key = state.register_key;
            reg.version = state.version;
            reg.shown_replica = state.shown.replica_id;
            reg.shown = nlohmann::json::parse(state.shown.payload, nullptr, false);
            if (!reg.shown.is_object()) {
                fail(ErrorCode::protocol,
                     "the server sent a value that is not JSON for " + state.register_key);
            }
            reg.siblings = nlohmann::json::array();
            for (const auto& sibling : state.siblings) {
                reg.siblings.push_back(sibling_json(sibling));
            }
            registers.push_back(std::move(reg));
        }
        report.pulled += apply_pulled(store, registers, scope, page.next_cursor);
        if (!page.more || page.next_cursor <= since) {
            break;
        }
    }
    report.open_conflicts = open_conflicts(store).size();
    return report;
}

}  // namespace dspt::client
