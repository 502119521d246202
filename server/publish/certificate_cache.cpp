#include "server/publish/certificate_cache.hpp"

#include <chrono>
#include <exception>
#include <utility>

namespace dspt::server::publish {

CertificateCache::CertificateCache(std::size_t max_bytes, Renderer render)
    : max_bytes_(max_bytes), render_(std::move(render)) {
    worker_ = std::thread([this] { run_worker(); });
}

CertificateCache::~CertificateCache() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
        queue_.clear();
    }
    changed_.notify_all();
    worker_.join();
}

std::string CertificateCache::key_of(const CertificateContent& content,
                                     CertificateFormat format) const {
    // Fields separated by a byte no UTF-8 text holds.
    constexpr char kSeparator = '\xff';
    std::string key(extension(format));
    for (const auto* field : {&content.organisation_name, &content.organisation_ods, &content.year,
                              &content.register_address}) {
        key += kSeparator;
        key += *field;
    }
    key += kSeparator;
    key += std::to_string(static_cast<int>(content.level));
    key += kSeparator;
    key += content.published.to_string();
    key += kSeparator;
    key += content.lapses.to_string();
    for (const auto& site : content.sites) {
        key += kSeparator;
        key += site;
    }
    return key;
}

CertificateCache::Drawing CertificateCache::find(const std::string& key) {
    const auto found = index_.find(key);
    if (found == index_.end()) {
        return nullptr;
    }
    recent_.splice(recent_.begin(), recent_, found->second);
    return found->second->bytes;
}

void CertificateCache::insert(const std::string& key, Drawing bytes) {
    if (index_.contains(key) || bytes->size() > max_bytes_) {
        return;
    }
    bytes_ += bytes->size();
    recent_.push_front({key, std::move(bytes)});
    index_.emplace(key, recent_.begin());
    while (bytes_ > max_bytes_) {
        const auto& last = recent_.back();
        bytes_ -= last.bytes->size();
        index_.erase(last.key);
        recent_.pop_back();
    }
}

std::variant<CertificateCache::Drawing, CertificateCache::Busy> CertificateCache::get(
    const CertificateContent& content, CertificateFormat format) {
    const auto key = key_of(content, format);
    std::unique_lock lock(mutex_);
    if (auto ready = find(key)) {
        ++hits_;
        return ready;
    }
    if (pen_busy_) {
        if (drawing_key_ != key) {
            return Busy{};
        }
        changed_.wait_for(lock, std::chrono::seconds(5),
                          [&] { return stopping_ || drawing_key_ != key; });
        if (auto ready = find(key)) {
            ++hits_;
            return ready;
        }
        return Busy{};  // that drawing failed, or is still going
    }
    return draw(lock, key, content, format);
}

CertificateCache::Drawing CertificateCache::draw(std::unique_lock<std::mutex>& lock,
                                                 const std::string& key,
                                                 const CertificateContent& content,
                                                 CertificateFormat format) {
    pen_busy_ = true;
    drawing_key_ = key;
    lock.unlock();
    Drawing bytes;
    std::exception_ptr error;
    try {
        bytes = std::make_shared<const std::string>(render_(content, format));
    } catch (...) {
        error = std::current_exception();
    }
    lock.lock();
    pen_busy_ = false;
    drawing_key_.clear();
    if (bytes) {
        ++drawn_;
        insert(key, bytes);
    }
    changed_.notify_all();
    if (error) {
        std::rethrow_exception(error);
    }
    return bytes;
}

void CertificateCache::prepare(const CertificateContent& content) {
    {
        const std::lock_guard lock(mutex_);
        for (const auto format : {CertificateFormat::pdf, CertificateFormat::png}) {
            queue_.emplace_back(content, format);
        }
    }
    changed_.notify_all();
}

void CertificateCache::run_worker() {
    std::unique_lock lock(mutex_);
    for (;;) {
        changed_.wait(lock, [this] { return stopping_ || (!queue_.empty() && !pen_busy_); });
        if (stopping_) {
            return;
        }
        const auto job = std::move(queue_.front());
        queue_.pop_front();
        const auto key = key_of(job.first, job.second);
        if (index_.contains(key)) {
            continue;
        }
        try {
            draw(lock, key, job.first, job.second);
        } catch (...) {
            // Left to get(), whose caller then hears of the error.
        }
    }
}

std::uint64_t CertificateCache::drawn() const {
    const std::lock_guard lock(mutex_);
    return drawn_;
}

std::uint64_t CertificateCache::served_from_cache() const {
    const std::lock_guard lock(mutex_);
    return hits_;
}

}  // namespace dspt::server::publish
