#include "protocol/sync_own_changes.hpp"

#include <cstddef>
#include <string>
#include <unordered_map>

#include "common/error.hpp"

namespace dspt::protocol {

namespace {

// A register's name in the maps below: scope, a NUL (never in a scope), the key.
std::string own_register_name(std::string_view scope, std::string_view register_key) {
    std::string name;
    name.reserve(scope.size() + 1 + register_key.size());
    name.append(scope).push_back('\0');
    name.append(register_key);
    return name;
}

bool answers_each_entry(const SyncRequest& request, const SyncResponse& response) {
    return response.push.results.size() == request.entries.size();
}

}  // namespace

bool asks_own_changes_by_seq(std::string_view query) noexcept {
    while (!query.empty()) {
        const auto end = query.find('&');
        const auto pair = query.substr(0, end);
        query = end == std::string_view::npos ? std::string_view{} : query.substr(end + 1);
        const auto equals = pair.find('=');
        if (equals != std::string_view::npos && pair.substr(0, equals) == kOwnChangesParameter &&
            pair.substr(equals + 1) == kOwnChangesBySeq) {
            return true;
        }
    }
    return false;
}

RegisterState own_change_state(const ChangeEntry& entry, const PushResult& result) {
    RegisterState state;
    state.scope = entry.scope;
    state.register_key = entry.register_key;
    state.version = result.version;
    state.shown.version = result.version;
    state.shown.replica_id = entry.replica_id;
    state.shown.seq = entry.seq;
    state.shown.hlc = entry.hlc;
    state.shown.payload = entry.payload;
    state.shown.author = entry.author;
    return state;
}

bool is_own_change_reference(const RegisterState& state) noexcept {
    return state.register_key.empty() && state.shown.seq > 0;
}

void refer_to_own_changes(const SyncRequest& request, SyncResponse& response) {
    if (request.entries.empty() || !answers_each_entry(request, response)) {
        return;
    }
    // The last entry not refused of each register: only it can be what the register holds.
    std::unordered_map<std::string, std::size_t> last_entry;
    for (std::size_t i = 0; i < request.entries.size(); ++i) {
        if (response.push.results[i].outcome != PushOutcome::refused) {
            const auto& entry = request.entries[i];
            last_entry[own_register_name(entry.scope, entry.register_key)] = i;
        }
    }
    for (auto& state : response.page.registers) {
        const auto found = last_entry.find(own_register_name(state.scope, state.register_key));
        if (found == last_entry.end()) {
            continue;
        }
        const auto& entry = request.entries[found->second];
        if (state != own_change_state(entry, response.push.results[found->second])) {
            continue;  // changed since, or kept beside a concurrent value
        }
        RegisterState reference;
        reference.version = state.version;
        reference.shown.seq = entry.seq;
        state = std::move(reference);
    }
}

void restore_own_changes(const SyncRequest& request, SyncResponse& response) {
    std::unordered_map<std::int64_t, std::size_t> by_seq;
    for (auto& state : response.page.registers) {
        if (!is_own_change_reference(state)) {
            continue;
        }
        if (by_seq.empty()) {
            if (!answers_each_entry(request, response)) {
                fail(ErrorCode::protocol,
                     "the server's answer refers to this device's own changes but does not "
                     "answer each of them");
            }
            for (std::size_t i = 0; i < request.entries.size(); ++i) {
                by_seq.emplace(request.entries[i].seq, i);
            }
        }
        const auto found = by_seq.find(state.shown.seq);
        if (found == by_seq.end()) {
            fail(ErrorCode::protocol, "the server's answer refers to change " +
                                          std::to_string(state.shown.seq) +
                                          ", which this device did not send");
        }
        const auto& result = response.push.results[found->second];
        if (result.outcome == PushOutcome::refused || result.version != state.version) {
            fail(ErrorCode::protocol, "the server's answer refers to change " +
                                          std::to_string(state.shown.seq) +
                                          " at a version its push result does not give");
        }
        state = own_change_state(request.entries[found->second], result);
    }
}

}  // namespace dspt::protocol
