#include "client/sync/name_lookup.hpp"

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>

namespace dspt::client {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// What the looking-up thread and the waiting caller share; the thread keeps
// it alive when the caller has stopped waiting.
struct Shared {
    std::mutex mutex;
    std::condition_variable answered;
    bool done = false;
    LookupResult result;
};

LookupResult blocking_lookup(const std::string& host, const std::string& port) {
    asio::io_context io;
    tcp::resolver resolver(io);
    LookupResult out;
    const auto results = resolver.resolve(host, port, out.error);
    if (!out.error) {
        for (const auto& entry : results) {
            out.endpoints.push_back(entry.endpoint());
        }
        out.outcome = out.endpoints.empty() ? LookupOutcome::failed : LookupOutcome::found;
        if (out.endpoints.empty()) {
            out.error = asio::error::host_not_found;
        }
    }
    return out;
}

}  // namespace

LookupResult look_up(const std::string& host, const std::string& port,
                     std::chrono::steady_clock::time_point deadline,
                     const std::function<bool()>& stop_requested) {
    // An address needs no resolver (and no thread).
    boost::system::error_code not_address;
    const auto address = asio::ip::make_address(host, not_address);
    if (!not_address) {
        LookupResult out;
        unsigned long number = 0;
        try {
            number = std::stoul(port);
        } catch (const std::exception&) {
            number = 65536;
        }
        if (number > 65535) {
            out.error = asio::error::service_not_found;
            return out;
        }
        out.endpoints.emplace_back(address, static_cast<unsigned short>(number));
        out.outcome = LookupOutcome::found;
        return out;
    }

    auto shared = std::make_shared<Shared>();
    try {
        std::thread([shared, host, port] {
            auto result = blocking_lookup(host, port);
            const std::lock_guard lock(shared->mutex);
            shared->result = std::move(result);
            shared->done = true;
            shared->answered.notify_all();
        }).detach();
    } catch (const std::system_error&) {
        LookupResult out;  // no thread to spare: as if the resolver had failed
        out.error = asio::error::no_memory;
        return out;
    }

    std::unique_lock lock(shared->mutex);
    while (!shared->done) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            return LookupResult{LookupOutcome::timeout, {}, {}};
        }
        if (stop_requested && stop_requested()) {
            return LookupResult{LookupOutcome::stopped, {}, {}};
        }
        shared->answered.wait_until(lock, std::min(deadline, now + kStopCheck));
    }
    return shared->result;
}

}  // namespace dspt::client
