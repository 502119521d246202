#include "client/sync/sync_engine.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <set>
#include <unordered_map>

#include "client/store/evidence_transfer.hpp"
#include "client/store/publish_state.hpp"
#include "client/store/set_aside_changes.hpp"
#include "client/store/sync_state.hpp"
#include "common/clock/hybrid_clock.hpp"
#include "common/error.hpp"
#include "protocol/register_key.hpp"
#include "protocol/session_auth.hpp"

namespace dspt::client {

namespace {

// The scope this device writes: its site, or the organisation ("") for a
// headquarters device.
std::string own_scope(const DeviceIdentity& identity) {
    return identity.role == protocol::Role::branch ? identity.site_ods : std::string();
}

// A value as the store keeps it; the device name the server adds to a
// conflict's values (protocol::kConflictDeviceKey) moves out of the value.
nlohmann::json sibling_json(const protocol::RegisterValue& value) {
    auto payload = nlohmann::json::parse(value.payload, nullptr, false);
    nlohmann::json sibling = {{"replica_id", value.replica_id},
                              {"author", value.author},
                              {"hlc", value.hlc},
                              {"version", value.version}};
    const std::string device_key(protocol::kConflictDeviceKey);
    if (payload.is_object() && payload.contains(device_key)) {
        if (payload[device_key].is_string()) {
            sibling["device"] = payload[device_key];
        }
        payload.erase(device_key);
    }
    sibling["value"] = std::move(payload);
    return sibling;
}

// The outbox batch as pushed: on the wire an assessment's register carries the
// store's year; the profile is the organisation's, in the organisation-wide
// scope.
std::vector<protocol::ChangeEntry> change_entries(LocalStore& store, const ScopeMap& scopes,
                                                  const std::vector<OutboxEntry>& pending) {
    std::vector<protocol::ChangeEntry> entries;
    entries.reserve(pending.size());
    for (const auto& entry : pending) {
        const auto key = protocol::RegisterKey::from_local(entry.register_key, store.info().year);
        const auto scope = key.has_year() ? scopes.server(entry.scope) : std::string();
        entries.push_back({entry.replica_id, entry.seq, entry.hlc.raw(), scope, key.to_string(),
                           entry.seen, entry.payload.dump(),
                           entry.payload.value("answered_by", std::string())});
    }
    return entries;
}

// Takes the server's answer to a pushed batch: acknowledges what it applied,
// sets aside what it refused for good.
void take_push_results(LocalStore& store, const std::vector<OutboxEntry>& pending,
                       const protocol::PushResponse& response, SyncReport& report) {
    if (response.results.size() != pending.size()) {
        fail(ErrorCode::protocol, "the server answered " + std::to_string(response.results.size()) +
                                      " of " + std::to_string(pending.size()) + " changes");
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

// A pulled page as the store takes it: only this store's year and the
// profile; other years' registers (and keys this build does not know) are
// passed over.
std::vector<PulledRegister> pulled_registers(LocalStore& store,
                                             const protocol::PullResponse& page) {
    std::vector<PulledRegister> registers;
    for (const auto& state : page.registers) {
        const auto key = protocol::RegisterKey::try_parse(state.register_key);
        if (!key || (key->has_year() && key->year != store.info().year)) {
            continue;
        }
        PulledRegister reg;
        reg.scope = state.scope;
        reg.register_key = key->local_key();
        reg.version = state.version;
        reg.shown_replica = state.shown.replica_id;
        reg.shown_at_ms = static_cast<std::int64_t>(HlcTime::from_raw(state.shown.hlc).millis());
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
    return registers;
}

// What this device still holds unsent, before an exchange.
protocol::SyncHealth current_health(LocalStore& store) {
    const auto backlog = sync_backlog(store);
    protocol::SyncHealth health;
    health.pending_changes = backlog.changes;
    health.pending_bytes = backlog.bytes;
    if (backlog.oldest_at_ms > 0) {
        health.oldest_pending_age_ms =
            std::max<std::int64_t>(0, store.now_ms() - backlog.oldest_at_ms);
    }
    return health;
}

// The chunk indexes the server holds of each evidence file asked about.
using HeldChunks = std::map<std::string, std::vector<std::uint32_t>, std::less<>>;

// The exchanges of one sync (POST /v1/sync): each pushes the next outbox
// batch, pulls the next page, reports health and learns what changed of the
// publications and (headquarters) the sites, and what the server holds of the
// evidence files named.
class Exchanges {
  public:
    Exchanges(LocalStore& store, ApiClient& api, const DeviceIdentity& identity,
              const ScopeMap& scopes, const crypto::SecretKey* organisation_key, SyncReport& report)
        : store_(store),
          api_(api),
          headquarters_(identity.role == protocol::Role::headquarters),
          scopes_(scopes),
          organisation_key_(organisation_key),
          report_(report) {}

    // Exchanges until every outbox entry is answered and the last page is
    // here; the first exchange asks about `evidence` too.
    void all_changes(const std::vector<std::string>& evidence) {
        for (std::size_t round = 0; round < kMaxSyncRounds; ++round) {
            if (!once(round == 0 ? evidence : std::vector<std::string>{})) {
                return;
            }
        }
    }

    // Makes sure the server's chunks of every file in `files` are known,
    // asking in further exchanges about those not asked yet.
    void ask_about(const std::vector<EvidenceFile>& files) {
        std::vector<std::string> unknown;
        for (const auto& file : files) {
            if (!held_.contains(file.id)) {
                unknown.push_back(file.id);
            }
        }
        for (std::size_t at = 0; at < unknown.size(); at += protocol::kMaxSyncEvidenceFiles) {
            const auto end = std::min(unknown.size(), at + protocol::kMaxSyncEvidenceFiles);
            once({unknown.begin() + static_cast<std::ptrdiff_t>(at),
                  unknown.begin() + static_cast<std::ptrdiff_t>(end)});
        }
    }

    const std::vector<std::uint32_t>& held(const std::string& evidence_id) const {
        const auto found = held_.find(evidence_id);
        if (found == held_.end()) {
            fail(ErrorCode::internal, "no chunk status of evidence file " + evidence_id);
        }
        return found->second;
    }

  private:
    // One exchange; true when there is more to move (a further batch or page).
    bool once(const std::vector<std::string>& evidence) {
        const auto pending = store_.outbox().pending(kPushBatchEntries);
        protocol::SyncRequest request;
        request.health = current_health(store_);
        request.entries = change_entries(store_, scopes_, pending);
        request.since = pull_cursor(store_);
        request.publications_digest = known_publications_digest(store_);
        // A store that has the codes but not yet the names asks for the list again.
        if (headquarters_ && !known_sites(store_).empty() && !known_site_names(store_).empty()) {
            request.sites_digest = known_sites_digest(store_);
        }
        request.evidence = evidence;
        const auto response = api_.exchange(request);
        if (response.evidence.size() != evidence.size()) {
            fail(ErrorCode::protocol, "the server answered for " +
                                          std::to_string(response.evidence.size()) + " of " +
                                          std::to_string(evidence.size()) + " evidence files");
        }
        for (std::size_t i = 0; i < evidence.size(); ++i) {
            if (response.evidence[i].evidence_id != evidence[i]) {
                fail(ErrorCode::protocol, "the server answered for the wrong evidence file");
            }
        }
        // The push's answer first, then the page (which holds this batch as
        // the server applied it), each in its own transaction.
        take_push_results(store_, pending, response.push, report_);
        const auto& page = response.page;
        auto registers = pulled_registers(store_, page);
        note_arrivals(registers);
        report_.pulled += apply_pulled(store_, std::move(registers), scopes_, page.next_cursor,
                                       organisation_key_);
        if (headquarters_ && response.sites_changed) {
            // The sites --site may name, for working offline until the next sync.
            std::vector<std::string> sites;
            std::map<std::string, std::string> names;
            for (const auto& site : response.sites) {
                sites.push_back(site.ods);
                names[site.ods] = site.name;
            }
            remember_site_names(store_, names);
            remember_sites(store_, sites, response.sites_digest);
        }
        if (response.publications_changed) {
            // So readiness shown offline knows them.
            remember_publications(store_, response.publications, response.publications_digest);
        }
        for (const auto& status : response.evidence) {
            held_[status.evidence_id] = status.held;
        }
        return (page.more && page.next_cursor > request.since) ||
               !store_.outbox().pending(1).empty();
    }

    // Records the registers of `registers` another device wrote.
    void note_arrivals(const std::vector<PulledRegister>& registers) {
        const auto& own = store_.info().replica_id;
        for (const auto& reg : registers) {
            if (reg.shown_replica == own) {
                continue;
            }
            ArrivedChange change;
            if (reg.scope != scopes_.own) {
                change.site = reg.scope;
            }
            change.register_key = reg.register_key;
            change.author = reg.shown_sibling.value("author", "");
            change.replica_id = reg.shown_replica;
            change.at_ms = reg.shown_at_ms;
            const auto slash = reg.register_key.find('/');
            const auto kind = reg.register_key.substr(0, slash);
            if (kind == "answer" || kind == "plan") {
                change.item_id = reg.register_key.substr(slash + 1);
            } else if (kind == "evidence") {
                change.item_id = reg.shown.value("item", "");
            }
            if (const auto* item = store_.pack().find(change.item_id)) {
                change.title = item->title;
            }
            // One line per register, however many pages brought it: a later
            // value replaces the earlier one in its place.
            auto slot = arrival_index_.try_emplace(reg.scope + '\n' + reg.register_key,
                                                   report_.arrived.size());
            if (slot.second) {
                report_.arrived.push_back(std::move(change));
            } else {
                report_.arrived[slot.first->second] = std::move(change);
            }
        }
    }

    LocalStore& store_;
    ApiClient& api_;
    bool headquarters_;
    const ScopeMap& scopes_;
    const crypto::SecretKey* organisation_key_;
    SyncReport& report_;
    HeldChunks held_;
    // Where each register's line is in report_.arrived, by scope and key.
    std::unordered_map<std::string, std::size_t> arrival_index_;
};

// The bytes of file content chunk `index` of `file` holds.
std::uint64_t chunk_content_bytes(const EvidenceFile& file, std::uint64_t index) {
    const std::uint64_t start = index * EvidenceStore::kChunkBytes;
    return start >= file.size
               ? 0
               : std::min<std::uint64_t>(EvidenceStore::kChunkBytes, file.size - start);
}

// A chunk as its request carries it: the sealed bytes and their request body hash.
struct PreparedChunk {
    std::string sealed;
    std::string hash;
};

// A chunk sent and stored at this rate or faster is on a fast line (a LAN, this
// computer): a mebibyte in a tenth of a second.
constexpr double kFastLineBytesPerSecond = 10e6;

// One chunk to send: the file (its place in the list) and the chunk's index.
struct ChunkJob {
    std::size_t file = 0;
    std::uint32_t index = 0;
};

// Sends the chunks of every file added here that the server does not hold
// yet, resuming at the first missing one; a file's register entry is made
// ready to push once its last chunk is stored.
void upload_evidence(LocalStore& store, ApiClient& api, Exchanges& exchanges,
                     const ScopeMap& scopes, const crypto::SecretKey* organisation_key,
                     SyncReport& report, const SyncProgressFn& progress) {
    EvidenceTransfers transfers(store);
    const auto files = transfers.uploads_pending();
    if (files.empty()) {
        return;
    }
    if (organisation_key == nullptr) {
        fail(ErrorCode::failed_precondition,
             "this device has no organisation key to share evidence files: run 'dspt "
             "recover-key'");
    }
    exchanges.ask_about(files);
    SyncProgress moved{SyncProgress::Stage::upload, 0, 0, 0, files.size()};
    std::vector<ChunkJob> jobs;
    std::vector<std::size_t> left(files.size(), 0);  // chunks of each file not yet stored
    for (std::size_t f = 0; f < files.size(); ++f) {
        const auto& held_list = exchanges.held(files[f].id);
        const std::set<std::uint32_t> held(held_list.begin(), held_list.end());
        for (std::uint32_t index = 0; index < files[f].chunk_count; ++index) {
            if (!held.contains(index)) {
                jobs.push_back({f, index});
                ++left[f];
                moved.bytes_total += chunk_content_bytes(files[f], index);
            }
        }
    }
    const auto file_done = [&](std::size_t f) {
        transfers.finish_upload(files[f].id, *organisation_key);
        ++report.files_uploaded;
        ++moved.files_done;
        if (progress) {
            progress(moved);
        }
    };
    for (std::size_t f = 0; f < files.size(); ++f) {
        if (left[f] == 0) {
            file_done(f);  // every chunk was stored by an earlier sync
        }
    }
    const auto chunk_done = [&](const ChunkJob& job, std::size_t sealed_bytes) {
        ++report.chunks_uploaded;
        report.bytes_uploaded += sealed_bytes;
        moved.bytes_done += chunk_content_bytes(files[job.file], job.index);
        if (progress) {
            progress(moved);
        }
        if (--left[job.file] == 0) {
            file_done(job.file);
        }
    };

    // Each chunk is read from the store (with the hash its request is authenticated
    // with, made when it was sealed) while the one before it travels, so the line
    // does not wait for the store. The reader uses
    // a connection of its own (sending takes MAC counters from the store's), and
    // is waited for here or by the future's destructor. A store in memory has no
    // second connection: its chunks are read when they are needed instead.
    const auto launch = transfers.reads_chunks_apart() ? std::launch::async : std::launch::deferred;
    const auto prepare = [&transfers, &files, launch](const ChunkJob& job) {
        return std::async(launch, [&transfers, &files, job] {
            auto read = transfers.sealed_chunk(files[job.file].id, job.index);
            PreparedChunk chunk{std::move(read.sealed), std::move(read.body_hash)};
            if (chunk.hash.empty()) {
                chunk.hash = protocol::request_body_hash(chunk.sealed);
            }
            return chunk;
        });
    };
    // On a fast line, two chunks travel at once: one on the side lane's connection,
    // from a thread of its own, and one on the main connection, from here; a chunk
    // goes aside whenever the side lane is free. Then the line is not idle while
    // the server stores a chunk. The side lane opens only once a chunk went in at
    // kFastLineBytesPerSecond or faster, counted by its size (a small file's one
    // chunk goes in quickly on any line): on a slower line the line itself is the
    // wait, and a second connection would only share it, cost twice the bytes at
    // a cut, and leave the progress still for longer.
    struct Aside {
        ChunkJob job;
        std::size_t sealed_bytes = 0;
        ApiClient::PendingChunk pending;
    };
    std::optional<Aside> aside;
    bool fast_line = false;
    // In a handler of `e`: a refusal for the organisation's storage quota is
    // reported (every other file would meet it too); any other error is thrown on.
    const auto storage_full = [&report](const Error& e) {
        if (e.code() != ErrorCode::limit_exceeded) {
            throw;
        }
        report.storage_full = e.what();
    };
    // Waits for the chunk aside; false when the organisation's storage is full.
    const auto settle_aside = [&]() {
        auto travelling = std::move(*aside);
        aside.reset();
        try {
            travelling.pending.wait();
        } catch (const Error& e) {
            storage_full(e);
            return false;
        }
        chunk_done(travelling.job, travelling.sealed_bytes);
        return true;
    };
    // Makes sure nothing is left travelling on the side lane when this returns or
    // throws: its thread uses this client's side connection.
    struct Drain {
        std::optional<Aside>& aside;
        ~Drain() {
            if (aside) {
                try {
                    aside->pending.wait();
                } catch (...) {  // the error already leaving wins
                }
            }
        }
    } drain{aside};

    std::future<PreparedChunk> next;
    if (!jobs.empty()) {
        next = prepare(jobs.front());
    }
    for (std::size_t at = 0; at < jobs.size(); ++at) {
        const auto& job = jobs[at];
        auto chunk = next.get();
        if (at + 1 < jobs.size()) {
            next = prepare(jobs[at + 1]);
        }
        if (aside && aside->pending.ready() && !settle_aside()) {
            return;
        }
        const auto& file = files[job.file];
        const auto size = chunk.sealed.size();
        if (!aside && fast_line && api.has_side_lane()) {
            aside = Aside{job, size,
                          api.put_blob_chunk_aside(file.id, job.index, scopes.server(file.scope),
                                                   std::move(chunk.sealed), std::move(chunk.hash))};
            continue;
        }
        const auto started = std::chrono::steady_clock::now();
        try {
            api.put_blob_chunk(file.id, job.index, scopes.server(file.scope),
                               std::move(chunk.sealed), std::move(chunk.hash));
        } catch (const Error& e) {
            storage_full(e);
            return;
        }
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        fast_line =
            fast_line || static_cast<double>(size) >= took.count() * kFastLineBytesPerSecond;
        chunk_done(job, size);
    }
    if (aside) {
        settle_aside();
    }
}

// Fetches the chunks the server holds of every file pulled from another
// device; a file whose uploader has not finished waits for a later sync.
void download_evidence(LocalStore& store, ApiClient& api, Exchanges& exchanges, SyncReport& report,
                       const SyncProgressFn& progress) {
    EvidenceTransfers transfers(store);
    const auto files = transfers.downloads_pending();
    exchanges.ask_about(files);
    SyncProgress moved{SyncProgress::Stage::download, 0, 0, 0, files.size()};
    std::map<std::string, std::set<std::uint32_t>> here_of;
    for (const auto& file : files) {
        const auto here_list = transfers.chunks_here(file.id);
        auto& here = here_of[file.id];
        here.insert(here_list.begin(), here_list.end());
        for (const auto index : exchanges.held(file.id)) {
            if (index < file.chunk_count && !here.contains(index)) {
                moved.bytes_total += chunk_content_bytes(file, index);
            }
        }
    }
    for (const auto& file : files) {
        const auto& held = exchanges.held(file.id);
        auto& here = here_of[file.id];
        try {
            for (const auto index : held) {
                if (index >= file.chunk_count || here.contains(index)) {
                    continue;
                }
                const auto sealed = api.blob_chunk(file.id, index);
                transfers.store_chunk(file.id, index, crypto::as_byte_view(sealed));
                here.insert(index);
                ++report.chunks_downloaded;
                report.bytes_downloaded += sealed.size();
                if (progress) {
                    moved.bytes_done += chunk_content_bytes(file, index);
                    progress(moved);
                }
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
            ++moved.files_done;
            if (progress) {
                progress(moved);
            }
        } else {
            ++report.files_waiting;
        }
    }
}

}  // namespace

SyncReport sync_once(LocalStore& store, ApiClient& api, const DeviceIdentity& identity,
                     const SyncProgressFn& progress) {
    if (identity.role == protocol::Role::partner) {
        fail(ErrorCode::forbidden, "a partner device reads progress only and has nothing to sync");
    }
    if (store.info().archived) {
        fail(ErrorCode::failed_precondition,
             "this is the kept copy of the finished " + store.info().year +
                 " assessment: the live store syncs, this copy does not");
    }
    SyncReport report;
    const ScopeMap scopes{own_scope(identity)};
    const auto organisation_key = load_organisation_key(store);
    const auto* key = organisation_key ? &*organisation_key : nullptr;
    Exchanges exchanges(store, api, identity, scopes, key, report);
    // Every register change both ways first, so a large file never holds an
    // answer back; then the files. The first exchange reports what waits here
    // (so a headquarters sees it even when the connection fails later) and
    // asks about the files known to move already.
    std::vector<std::string> evidence;
    {
        EvidenceTransfers transfers(store);
        for (const auto& list : {transfers.uploads_pending(), transfers.downloads_pending()}) {
            for (const auto& file : list) {
                if (evidence.size() < protocol::kMaxSyncEvidenceFiles) {
                    evidence.push_back(file.id);
                }
            }
        }
    }
    exchanges.all_changes(evidence);
    upload_evidence(store, api, exchanges, scopes, key, report, progress);
    if (report.files_uploaded > 0) {
        exchanges.all_changes({});  // their register entries
    }
    download_evidence(store, api, exchanges, report, progress);
    report.open_conflicts = count_conflicts(store);
    report.set_aside = store.outbox().set_aside_entries();
    return report;
}

}  // namespace dspt::client
