#pragma once
// The devices requests come from, kept in memory between requests
// (docs/security.md, "Request sessions"), so that an authenticated request
// reads the store only when something may have changed.
//
// A device's record changes in one way only once enrolled: it is revoked. The
// store counts revocations (Repository::device_revocations(), a load from
// memory shared by every process on the store), so a copy read while the count
// was N is still true while the count is N. find() gives the copy when the
// count has not moved since it was read, and reads the store otherwise; a
// revocation by this process or any other on the store is so seen by the next
// request. As a backstop against a revocation the count missed (a revoking
// process killed between its commit and its count, or another tool writing the
// store), a copy is read again once it is kMaxAge old. A store that cannot count
// (nullopt) is read on every call, as without the cache.
//
// Only live devices are kept: an unknown or revoked device is read every time.
//
// Thread-safety: find() and forget() may run on many threads at once (a shared
// lock for hits, an exclusive one to keep a copy).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "server/store/model.hpp"
#include "server/store/repository.hpp"

namespace dspt::server::auth {

class DeviceCache {
  public:
    static constexpr std::chrono::seconds kMaxAge{1};

    // Keeps at most `max_devices` (at least one); when full, it starts again empty.
    DeviceCache(const store::Repository& repository, std::size_t max_devices);

    // What repository.find_device(id) would give now.
    std::optional<store::Device> find(const std::string& id) const;

    std::size_t size() const;

  private:
    struct Entry {
        store::Device device;
        std::chrono::steady_clock::time_point read_at;
    };

    const store::Repository& repository_;
    const std::size_t max_devices_;
    mutable std::shared_mutex mutex_;
    mutable std::uint64_t revocations_ = 0;  // the count every entry was read after
    mutable std::unordered_map<std::string, Entry> devices_;
};

}  // namespace dspt::server::auth
