#pragma once
// The device's own changes in a sync exchange's page, by reference (protocol/README.md,
// "One sync exchange").
//
// The push of an exchange is applied before its page is read, so the page holds the
// batch's registers as they landed. Most of them hold exactly what the device sent: its
// entry's value, at the version its push result names, with no sibling. A client that
// asks for it with the query parameter own=seq (POST /v1/sync?own=seq) gets each such
// register as a reference instead: a RegisterState whose register_key is "" (no real
// register has one), whose version is the register's and whose shown.seq is the seq of
// the entry that wrote it (seqs start at 1), every other field empty. The client puts the register
// back from its own request before anything else reads the answer, so what it reads is what an
// answer without references holds, register for register and in the same order.
//
// A server without the parameter ignores it and sends every register in full, which the
// client reads as it is. A client that does not send it gets every register in full.
//
// Thread safety: stateless; call from any thread.

#include <string_view>

#include "protocol/sync_messages.hpp"

namespace dspt::protocol {

inline constexpr std::string_view kOwnChangesParameter = "own";
inline constexpr std::string_view kOwnChangesBySeq = "seq";
// The exchange's target for a client that reads references.
inline constexpr std::string_view kSyncTargetOwnBySeq = "/v1/sync?own=seq";

// True when a request's query ("a=1&own=seq") asks for references.
[[nodiscard]] bool asks_own_changes_by_seq(std::string_view query) noexcept;

// The register `entry` leaves when the server applied it as `result` says and nothing
// else has changed it since: its value alone, at result.version.
[[nodiscard]] RegisterState own_change_state(const ChangeEntry& entry, const PushResult& result);

// True for a reference in place of a register: no register key, and a seq.
[[nodiscard]] bool is_own_change_reference(const RegisterState& state) noexcept;

// The server: replaces each register of response.page that is exactly
// own_change_state of the last entry of `request` that wrote it (and was not refused) by
// its reference. Leaves everything else as it is; does nothing unless the push answered
// one result per entry.
void refer_to_own_changes(const SyncRequest& request, SyncResponse& response);

// The client: puts back each reference of response.page from `request`'s entries and
// the push results. Throws Error(ErrorCode::protocol) for a reference that names no
// entry of the request, names a refused one, or a version other than its result's.
void restore_own_changes(const SyncRequest& request, SyncResponse& response);

}  // namespace dspt::protocol
