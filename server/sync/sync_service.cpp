#include "server/sync/sync_service.hpp"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "protocol/register_key.hpp"

namespace dspt::server::sync {

namespace {

bool is_printable_token(std::string_view text) {
    for (const char c : text) {
        if (c <= ' ' || c == '\x7f') {
            return false;
        }
    }
    return !text.empty();
}

// Whether `text` is one JSON object (whitespace around it allowed): checked
// without building the value, which the store keeps as the text it came as.
bool is_json_object(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\n\r");
    return first != std::string_view::npos && text[first] == '{' && nlohmann::json::accept(text);
}

// Checks who wrote a change and where it stands in its replica's order: a
// change that fails here cannot take a seq, so it refuses the whole push.
void check_origin(const protocol::ChangeEntry& entry) {
    if (entry.replica_id.size() > 64 || !is_printable_token(entry.replica_id)) {
        fail(ErrorCode::invalid_argument, "a replica id is 1 to 64 printable characters");
    }
    if (entry.seq < 1) {
        fail(ErrorCode::invalid_argument, "change " + std::to_string(entry.seq) + " of replica " +
                                              entry.replica_id + ": seq starts at 1");
    }
}

// Checks one change's content; `key` receives its parsed register key. A
// change that fails here is refused alone.
void check_entry(const protocol::ChangeEntry& entry, std::size_t max_value_bytes,
                 protocol::RegisterKey& key) {
    const auto where = "change " + std::to_string(entry.seq) + " of replica " + entry.replica_id;
    if (entry.seen.size() > kMaxSeenVersions) {
        fail(ErrorCode::invalid_argument,
             where + ": it names more than " + std::to_string(kMaxSeenVersions) + " values seen");
    }
    for (const auto version : entry.seen) {
        if (version < 1) {
            fail(ErrorCode::invalid_argument, where + ": a version seen is below 1");
        }
    }
    if (entry.register_key.size() > kMaxRegisterKeyBytes) {
        fail(ErrorCode::invalid_argument, where + ": the register key is longer than " +
                                              std::to_string(kMaxRegisterKeyBytes) + " bytes");
    }
    try {
        key = protocol::RegisterKey::parse(entry.register_key);
    } catch (const Error& e) {
        fail(ErrorCode::invalid_argument, where + ": " + e.what());
    }
    if (key.kind == protocol::RegisterKind::profile && !entry.scope.empty()) {
        fail(ErrorCode::invalid_argument,
             where + ": the organisation profile is organisation-wide (scope \"\"), not a site's");
    }
    if (entry.payload.size() > max_value_bytes) {
        fail(ErrorCode::limit_exceeded,
             where + ": the value is " + std::to_string(entry.payload.size()) +
                 " bytes; the limit is " + std::to_string(max_value_bytes) + " bytes");
    }
    if (!is_json_object(entry.payload)) {
        fail(ErrorCode::invalid_argument, where + ": the value is not a JSON object");
    }
    if (entry.author.size() > kMaxAuthorBytes) {
        fail(ErrorCode::invalid_argument, where + ": the author's name is too long");
    }
}

// Adds to the payload of each conflict's value, a JSON object, the name of the
// device that wrote it under "device" (protocol/README.md, "Conflicts"), so a
// person choosing between the values knows where each came from. A value of a
// replica not in `names` is left as it is.
void name_writing_devices(const std::map<std::string, std::string>& names,
                          protocol::PullResponse& response) {
    for (auto& state : response.registers) {
        for (auto& sibling : state.siblings) {
            const auto name = names.find(sibling.replica_id);
            if (name == names.end()) {
                continue;
            }
            auto payload = nlohmann::json::parse(sibling.payload, nullptr, false);
            if (payload.is_object()) {
                payload[std::string(protocol::kConflictDeviceKey)] = name->second;
                sibling.payload = payload.dump();
            }
        }
    }
}

protocol::RegisterValue to_protocol(const store::RegisterValue& value) {
    return {value.version, value.replica_id, value.seq, value.hlc, value.payload, value.author};
}

}  // namespace

protocol::PushResponse SyncService::push(const store::Device& device,
                                         protocol::PushRequest request) {
    require_syncing_device(device);
    if (request.entries.empty() || request.entries.size() > kMaxPushEntries) {
        fail(ErrorCode::invalid_argument,
             "a push carries 1 to " + std::to_string(kMaxPushEntries) + " changes");
    }
    std::set<std::string> writable;  // scopes checked already
    std::vector<store::Change> changes;
    changes.reserve(request.entries.size());
    std::vector<std::string> refusals;  // per change; "" for one that goes on
    refusals.reserve(request.entries.size());
    for (auto& entry : request.entries) {
        check_origin(entry);
        std::string refusal;
        bool profile = false;
        try {
            protocol::RegisterKey key;
            check_entry(entry, max_value_bytes_, key);
            profile = key.kind == protocol::RegisterKind::profile;
            if (profile) {
                scopes_.require_profile(device);
            }
        } catch (const Error& e) {
            refusal = e.what();
        }
        // A change that would write where the device may not refuses the push:
        // the device's rights, not the change, are in question. A profile
        // change was checked above: the profile, organisation-wide, is the one
        // register of scope "" a single-site provider's branch device writes.
        if (refusal.empty() && !profile && !writable.contains(entry.scope)) {
            scopes_.require(device, device.organisation_ods, entry.scope, auth::Access::write);
            writable.insert(entry.scope);
        }
        // The entry is not read again: its strings move into the change.
        changes.push_back({std::move(entry.replica_id), entry.seq, entry.hlc,
                           std::move(entry.scope), std::move(entry.register_key),
                           std::move(entry.seen), std::move(entry.payload), std::move(entry.author),
                           !refusal.empty()});
        refusals.push_back(std::move(refusal));
    }
    protocol::PushResponse response;
    const auto results = repository_.apply_changes(device.organisation_ods, device.id, changes);
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& result = results[i];
        protocol::PushResult pushed{
            result.seq, static_cast<protocol::PushOutcome>(result.outcome), result.version, {}};
        if (result.outcome == store::ChangeOutcome::refused) {
            // Refused now, or when first sent (and taken since, had it been sent
            // to a server with a higher limit): the first refusal stands.
            pushed.reason =
                i < refusals.size() && !refusals[i].empty()
                    ? refusals[i]
                    : "change " + std::to_string(result.seq) + " was refused when first sent";
        }
        response.results.push_back(std::move(pushed));
    }
    return response;
}

protocol::PullResponse SyncService::pull(const store::Device& device, std::int64_t since,
                                         std::size_t limit) {
    const auto scopes = scopes_.readable(device);
    if (since < 0) {
        fail(ErrorCode::invalid_argument, "the pull cursor is negative");
    }
    const auto page = repository_.registers_since(device.organisation_ods, scopes, since, limit);
    protocol::PullResponse response;
    response.next_cursor = page.next_cursor;
    response.more = page.more;
    std::set<std::string> writers;  // of the conflicts' values
    for (const auto& reg : page.registers) {
        protocol::RegisterState state;
        state.scope = reg.scope;
        state.register_key = reg.register_key;
        state.version = reg.version;
        state.shown = to_protocol(reg.shown());
        if (reg.conflicted()) {
            for (const auto& value : reg.values) {
                state.siblings.push_back(to_protocol(value));
                writers.insert(value.replica_id);
            }
        }
        response.registers.push_back(std::move(state));
    }
    if (!writers.empty()) {
        name_writing_devices(
            repository_.replica_device_names(
                device.organisation_ods, std::vector<std::string>(writers.begin(), writers.end())),
            response);
    }
    return response;
}

}  // namespace dspt::server::sync
