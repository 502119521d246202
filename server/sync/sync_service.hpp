#pragma once
// Push and pull (docs/sync.md) for authenticated devices: checks
// that every change is one the device may write and is well formed, then lets
// the repository apply the batch in one transaction; pages the registers a
// device may read.
//
// What a device reaches: a branch device writes and reads its own site's
// registers and reads the organisation-wide ones; a headquarters device writes
// and reads every site of its organisation and the organisation-wide
// registers; a partner device does not sync.
//
// Register keys (protocol/register_key.hpp): an assessment's registers carry
// their standards year ("2025-26/answer/1.1.1"), so each year's registers are
// kept apart; profile registers ("profile/<field>") are organisation-wide, in
// scope "" only, and only a headquarters device writes them. Any other key is
// refused with invalid_argument (400); a branch's profile change is forbidden.
//
// One change that breaks a limit (protocol/limits.hpp, or the lower value
// limit this server is set to) or is malformed is refused alone: its result is
// `refused` with the reason, it takes its seq, and the push's other changes are
// applied. A push that is malformed as a whole (no changes, too many, a bad
// replica id or seq, changes out of order) or that writes a scope the device
// may not write is refused whole, as an error.
//
// Thread-safety: as the repository; the service holds only its settings.

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "protocol/limits.hpp"
#include "protocol/sync_messages.hpp"
#include "server/auth/access_policy.hpp"
#include "server/store/model.hpp"
#include "server/store/repository.hpp"
#include "server/sync/scope_access.hpp"

namespace dspt::server::sync {

inline constexpr std::size_t kMaxPushEntries = protocol::kMaxPushEntries;
inline constexpr std::size_t kMaxPayloadBytes = protocol::kMaxChangeValueBytes;
inline constexpr std::size_t kMaxRegisterKeyBytes = protocol::kMaxRegisterKeyBytes;
inline constexpr std::size_t kMaxAuthorBytes = protocol::kMaxAuthorBytes;
// The values a change may name as seen: a register's siblings, one per
// device that wrote it concurrently.
inline constexpr std::size_t kMaxSeenVersions = 256;
inline constexpr std::size_t kPullPageRegisters = protocol::kMaxPullRegisters;

class SyncService {
  public:
    // `max_value_bytes`: the largest change value taken, at most
    // kMaxPayloadBytes (a larger number is taken as kMaxPayloadBytes).
    SyncService(store::Repository& repository, const auth::AccessPolicy& policy,
                std::size_t max_value_bytes = kMaxPayloadBytes)
        : repository_(repository),
          scopes_(repository, policy),
          max_value_bytes_(std::min(max_value_bytes, kMaxPayloadBytes)) {}

    // Takes the request by value: each change's strings move into the store's
    // change rather than being copied.
    protocol::PushResponse push(const store::Device& device, protocol::PushRequest request);

    protocol::PullResponse pull(const store::Device& device, std::int64_t since,
                                std::size_t limit = kPullPageRegisters);

  private:
    store::Repository& repository_;
    ScopeAccess scopes_;
    std::size_t max_value_bytes_;
};

}  // namespace dspt::server::sync
