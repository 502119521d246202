#include "server/auth/device_cache.hpp"

#include <algorithm>
#include <mutex>

namespace dspt::server::auth {

DeviceCache::DeviceCache(const store::Repository& repository, std::size_t max_devices)
    : repository_(repository), max_devices_(std::max<std::size_t>(max_devices, 1)) {}

std::optional<store::Device> DeviceCache::find(const std::string& id) const {
    // The count first: a device read after it is at least as recent as what it counts.
    const auto count = repository_.device_revocations();
    if (!count) {
        return repository_.find_device(id);
    }
    const auto now = std::chrono::steady_clock::now();
    {
        const std::shared_lock lock(mutex_);
        if (revocations_ == *count) {
            const auto found = devices_.find(id);
            if (found != devices_.end() && now - found->second.read_at < kMaxAge) {
                return found->second.device;
            }
        }
    }
    auto device = repository_.find_device(id);
    if (!device || device->revoked_at_ms) {
        return device;
    }
    const std::unique_lock lock(mutex_);
    if (*count > revocations_) {
        // Something was revoked since the copies were read: read each again.
        devices_.clear();
        revocations_ = *count;
    }
    if (*count == revocations_) {  // else another thread saw a later count: keep nothing
        if (devices_.size() >= max_devices_ && !devices_.contains(id)) {
            devices_.clear();
        }
        devices_.insert_or_assign(id, Entry{*device, now});
    }
    return device;
}

std::size_t DeviceCache::size() const {
    const std::shared_lock lock(mutex_);
    return devices_.size();
}

}  // namespace dspt::server::auth
