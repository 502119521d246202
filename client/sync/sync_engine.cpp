#include "client/sync/sync_engine.hpp"

#include <algorithm>
#include <set>

#include "client/store/evidence_transfer.hpp"
#include "client/store/publish_state.hpp"
#include "client/store/set_aside_changes.hpp"
#include "client/store/sync_state.hpp"
#include "common/clock/hybrid_clock.hpp"
#include "common/error.hpp"
#include "protocol/register_key.hpp"

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

void push_outbox(LocalStore& store, ApiClient& api, const ScopeMap& scopes, SyncReport& report) {
    for (std::size_t round = 0; round < kMaxSyncRounds; ++round) {
        const auto pending = store.outbox().pending(kPushBatchEntries);
        if (pending.empty()) {
            return;
        }
        protocol::PushRequest request;
        for (const auto& entry : pending) {
            // On the wire an assessment's register carries the store's year;
            // the profile is the organisation's, in the organisation-wide scope.
            const auto key =
                protocol::RegisterKey::from_local(entry.register_key, store.info().year);
            const auto scope = key.has_year() ? scopes.server(entry.scope) : std::string();
            request.entries.push_back({entry.replica_id, entry.seq, entry.hlc.raw(), scope,
                                       key.to_string(), entry.seen, entry.payload.dump(),
                                       entry.payload.value("answered_by", std::string())});
        }
        const auto response = api.push(request);
        if (response.results.size() != pending.size()) {
            fail(ErrorCode::protocol, "the server answered " +
                                          std::to_string(response.results.size()) + " of " +
                                          std::to_string(pending.size()) + " changes");
        }
        std::vector<PushAck> acks;
        std::vector<RefusedChange> refused;
        for (std::size_t i = 0; i < pending.size(); ++i) {
            const auto& result = response.results[i];
            if (result.seq != pending[i].seq) {
                fail(ErrorCode::protocol, "the server answered for the wrong change");
            }
            if (result.outcome == protocol::PushOutcome::conflict) {
                ++report.conflicts;
            }
            if (result.outcome == protocol::PushOutcome::refused) {
                refused.push_back({result.seq, result.reason});  // set aside, not acknowledged
                continue;
            }
            // Accepted or unchanged, the register holds this entry's value
            // alone. A conflict (or a duplicate, whose first answer is not
            // known) leaves what this device has seen as it was, so its next
            // edit does not claim siblings it never received.
            acks.push_back({result.seq, pending[i].scope, pending[i].register_key, result.version,
                            result.outcome == protocol::PushOutcome::accepted ||
                                result.outcome == protocol::PushOutcome::unchanged});
        }
        set_aside_refused(store, refused);
        acknowledge_pushed(store, acks, store.now_ms());
        report.pushed += acks.size();
    }
}

void pull_all(LocalStore& store, ApiClient& api, const ScopeMap& scopes,
              const crypto::SecretKey* organisation_key, SyncReport& report) {
    for (std::size_t round = 0; round < kMaxSyncRounds; ++round) {
        const auto since = pull_cursor(store);
        const auto page = api.pull(since);
        std::vector<PulledRegister> registers;
        for (const auto& state : page.registers) {
            // Only this store's year and the profile; other years' registers
            // (and keys this build does not know) are passed over.
            const auto key = protocol::RegisterKey::try_parse(state.register_key);
            if (!key || (key->has_year() && key->year != store.info().year)) {
                continue;
            }
            PulledRegister reg;
            reg.scope = state.scope;
            reg.register_key = key->local_key();
            reg.version = state.version;
            reg.shown_replica = state.shown.replica_id;
            reg.shown_at_ms =
                static_cast<std::int64_t>(HlcTime::from_raw(state.shown.hlc).millis());
            reg.shown = nlohmann::json::parse(state.shown.payload, nullptr, false);
            if (!reg.shown.is_object()) {
                fail(ErrorCode::protocol,
                     "the server sent a value that is not JSON for " + state.register_key);
            }
            reg.shown_sibling = sibling_json(state.shown);
            reg.siblings = nlohmann::json::array();
            reg.latest_hlc = state.shown.hlc;
            for (const auto& sibling : state.siblings) {
                reg.siblings.push_back(sibling_json(sibling));
                reg.seen.push_back(sibling.version);
                reg.latest_hlc = std::max(reg.latest_hlc, sibling.hlc);
            }
            if (state.siblings.empty()) {
                reg.seen.push_back(state.shown.version);
            }
            registers.push_back(std::move(reg));
        }
        report.pulled += apply_pulled(store, registers, scopes, page.next_cursor, organisation_key);
        if (!page.more || page.next_cursor <= since) {
            return;
        }
    }
}

// Sends the chunks of every file added here that the server does not hold
// yet, resuming at the first missing one, then the file's register entry.
void upload_evidence(LocalStore& store, ApiClient& api, const ScopeMap& scopes,
                     const crypto::SecretKey* organisation_key, SyncReport& report) {
    EvidenceTransfers transfers(store);
    for (const auto& file : transfers.uploads_pending()) {
        if (organisation_key == nullptr) {
            fail(ErrorCode::failed_precondition,
                 "this device has no organisation key to share evidence files: run 'dspt "
                 "recover-key'");
        }
        const auto status = api.blob_status(file.id);
        const std::set<std::uint32_t> held(status.held.begin(), status.held.end());
        for (std::uint32_t index = 0; index < file.chunk_count; ++index) {
            if (held.contains(index)) {
                continue;
            }
            const auto sealed = transfers.sealed_chunk(file.id, index);
            try {
                api.put_blob_chunk(file.id, index, scopes.server(file.scope), sealed);
            } catch (const Error& e) {
                if (e.code() != ErrorCode::limit_exceeded) {
                    throw;
                }
                report.storage_full = e.what();  // every other file would meet it too
                return;
            }
            ++report.chunks_uploaded;
            report.bytes_uploaded += sealed.size();
        }
        transfers.finish_upload(file.id, *organisation_key);
        ++report.files_uploaded;
    }
}

// Fetches the chunks the server holds of every file pulled from another
// device; a file whose uploader has not finished waits for a later sync.
void download_evidence(LocalStore& store, ApiClient& api, SyncReport& report) {
    EvidenceTransfers transfers(store);
    for (const auto& file : transfers.downloads_pending()) {
        const auto status = api.blob_status(file.id);
        const auto here_list = transfers.chunks_here(file.id);
        std::set<std::uint32_t> here(here_list.begin(), here_list.end());
        try {
            for (const auto index : status.held) {
                if (index >= file.chunk_count || here.contains(index)) {
                    continue;
                }
                const auto sealed = api.blob_chunk(file.id, index);
                transfers.store_chunk(file.id, index, crypto::as_byte_view(sealed));
                here.insert(index);
                ++report.chunks_downloaded;
                report.bytes_downloaded += sealed.size();
            }
        } catch (const Error& e) {
            if (e.code() != ErrorCode::corrupt) {
                throw;
            }
            // A chunk the server altered or mixed up: refused, and the other
            // files still come; the next sync asks for it again.
            report.refused.push_back(e.what());
            continue;
        }
        if (here.size() == file.chunk_count) {
            ++report.files_downloaded;
        } else {
            ++report.files_waiting;
        }
    }
}

// Tells the server what this device still holds unsent; `finished` after a
// sync that completed.
void report_health(LocalStore& store, ApiClient& api, bool finished) {
    const auto backlog = sync_backlog(store);
    protocol::SyncHealth health;
    health.pending_changes = backlog.changes;
    health.pending_bytes = backlog.bytes;
    if (backlog.oldest_at_ms > 0) {
        health.oldest_pending_age_ms =
            std::max<std::int64_t>(0, store.now_ms() - backlog.oldest_at_ms);
    }
    health.finished = finished;
    api.sync_health(health);
}

}  // namespace

SyncReport sync_once(LocalStore& store, ApiClient& api, const DeviceIdentity& identity) {
    if (identity.role == protocol::Role::partner) {
        fail(ErrorCode::forbidden, "a partner device reads progress only and has nothing to sync");
    }
    if (store.info().archived) {
        fail(ErrorCode::failed_precondition,
             "this is the kept copy of the finished " + store.info().year +
                 " assessment: the live store syncs, this copy does not");
    }
    // First of all, so a headquarters sees what waits here even when the
    // connection fails later in this sync.
    report_health(store, api, false);
    SyncReport report;
    const ScopeMap scopes{own_scope(identity)};
    const auto organisation_key = load_organisation_key(store);
    const auto* key = organisation_key ? &*organisation_key : nullptr;
    // Every register change both ways first, so a large file never holds an
    // answer back; then the files.
    if (identity.role == protocol::Role::headquarters) {
        // The sites --site may name, for working offline until the next sync.
        std::vector<std::string> sites;
        for (const auto& site : api.organisation(identity.organisation_ods).sites) {
            sites.push_back(site.ods);
        }
        remember_sites(store, sites);
    }
    push_outbox(store, api, scopes, report);
    pull_all(store, api, scopes, key, report);
    upload_evidence(store, api, scopes, key, report);
    if (report.files_uploaded > 0) {
        push_outbox(store, api, scopes, report);
    }
    download_evidence(store, api, report);
    // The organisation's publications, so readiness shown offline knows them.
    remember_publications(store, api.publications());
    report.open_conflicts = count_conflicts(store);
    report.set_aside = store.outbox().set_aside_entries();
    report_health(store, api, true);
    return report;
}

}  // namespace dspt::client
