#pragma once
// Drawn certificates, kept. A publication never changes, so its certificate is
// drawn once per format and then served from memory: a stranger asking for the
// same certificate again and again costs a look-up, not a drawing (about 76 ms
// of processor time for a PNG).
//
// Entries are found by everything the certificate shows (CertificateContent)
// and its format, so a site renamed in the registry gets a new drawing. The
// cache holds at most `max_bytes` of drawings; past that, the least recently
// used go.
//
// At most one drawing is made at a time, so drawings never take more than one
// processor from the server's request threads, whatever arrives:
//   - prepare() draws a new publication's certificates on the cache's own
//     thread, after the publication is answered, so its first visitor does
//     not wait;
//   - get() of a certificate not drawn yet draws it on the caller's thread if
//     no other drawing is under way; if the same certificate is being drawn,
//     it waits for that drawing (at most 5 s); if another is, it answers busy
//     at once rather than make a request thread wait behind it.
//
// Thread-safety: every member may be called from every thread at once.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <variant>

#include "server/publish/certificate.hpp"

namespace dspt::server::publish {

class CertificateCache {
  public:
    using Renderer =
        std::function<std::string(const CertificateContent& content, CertificateFormat format)>;

    explicit CertificateCache(std::size_t max_bytes = 64 * 1024 * 1024,
                              Renderer render = render_certificate);
    // Finishes the drawing under way, drops those waiting, and joins the thread.
    ~CertificateCache();
    CertificateCache(const CertificateCache&) = delete;
    CertificateCache& operator=(const CertificateCache&) = delete;

    // Another drawing is under way: ask again shortly.
    struct Busy {};
    using Drawing = std::shared_ptr<const std::string>;

    // The certificate's bytes, drawn now if needed (see above), or Busy.
    // Errors of the renderer pass through.
    std::variant<Drawing, Busy> get(const CertificateContent& content, CertificateFormat format);

    // Queues both formats of `content` to be drawn on the cache's thread.
    // Never throws but std::bad_alloc; a drawing that fails is left to get().
    void prepare(const CertificateContent& content);

    // How many drawings were made, and how many requests found one ready.
    std::uint64_t drawn() const;
    std::uint64_t served_from_cache() const;

  private:
    struct Entry {
        std::string key;
        Drawing bytes;
    };
    std::string key_of(const CertificateContent& content, CertificateFormat format) const;
    Drawing find(const std::string& key);                // under mutex_
    void insert(const std::string& key, Drawing bytes);  // under mutex_
    // Draws with the pen taken (pen_busy_); `lock` holds mutex_ before and after.
    Drawing draw(std::unique_lock<std::mutex>& lock, const std::string& key,
                 const CertificateContent& content, CertificateFormat format);
    void run_worker();

    const std::size_t max_bytes_;
    const Renderer render_;

    mutable std::mutex mutex_;
    std::list<Entry> recent_;  // most recently used first
    std::unordered_map<std::string, std::list<Entry>::iterator> index_;
    std::size_t bytes_ = 0;
    std::uint64_t drawn_ = 0;
    std::uint64_t hits_ = 0;

    // Under mutex_: whether a drawing is under way, and of what.
    bool pen_busy_ = false;
    std::string drawing_key_;
    std::deque<std::pair<CertificateContent, CertificateFormat>> queue_;
    bool stopping_ = false;
    // Notified when a drawing ends, a job is queued or the cache stops.
    std::condition_variable changed_;
    std::thread worker_;
};

}  // namespace dspt::server::publish
