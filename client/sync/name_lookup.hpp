#pragma once
// Looking up a server's name within a deadline. The system's resolver
// (getaddrinfo) cannot be interrupted, so a name that is not an address is
// looked up on a thread of its own; when the deadline passes or the caller asks
// to stop, that thread is left to finish on its own and its answer is dropped.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

namespace dspt::client {

// How often a network wait looks at its stop_requested.
inline constexpr std::chrono::milliseconds kStopCheck{100};

enum class LookupOutcome {
    found,    // `endpoints` holds at least one address
    failed,   // the resolver answered with an error (`error`)
    timeout,  // no answer before the deadline
    stopped,  // `stop_requested` said so first
};

struct LookupResult {
    LookupOutcome outcome = LookupOutcome::failed;
    std::vector<boost::asio::ip::tcp::endpoint> endpoints;
    boost::system::error_code error;
};

// The addresses of `host` (a name, or an IPv4 or IPv6 address) at `port`.
// `stop_requested`, when set, is asked several times a second.
LookupResult look_up(const std::string& host, const std::string& port,
                     std::chrono::steady_clock::time_point deadline,
                     const std::function<bool()>& stop_requested);

}  // namespace dspt::client
