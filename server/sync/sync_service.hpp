#pragma once
// Push and pull (ARCHITECTURE.md section 4) for authenticated devices: checks
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
// Thread-safety: as the repository; the service holds no state of its own.

#include <cstddef>
#include <cstdint>

#include "protocol/sync_messages.hpp"
#include "server/auth/access_policy.hpp"
#include "server/store/model.hpp"
#include "server/store/repository.hpp"
#include "server/sync/scope_access.hpp"

namespace dspt::server::sync {

inline constexpr std::size_t kMaxPushEntries = 1000;
inline constexpr std::size_t kMaxPayloadBytes = 64 * 1024;
inline constexpr std::size_t kMaxRegisterKeyBytes = 200;
inline constexpr std::size_t kMaxAuthorBytes = 200;
// The values a change may name as seen: a register's siblings, one per
// device that wrote it concurrently.
inline constexpr std::size_t kMaxSeenVersions = 256;
inline constexpr std::size_t kPullPageRegisters = 500;

class SyncService {
  public:
    SyncService(store::Repository& repository, const auth::AccessPolicy& policy)
        : repository_(repository), scopes_(repository, policy) {}

    protocol::PushResponse push(const store::Device& device, const protocol::PushRequest& request);

    protocol::PullResponse pull(const store::Device& device, std::int64_t since,
                                std::size_t limit = kPullPageRegisters);

  private:
    store::Repository& repository_;
    ScopeAccess scopes_;
};

}  // namespace dspt::server::sync
