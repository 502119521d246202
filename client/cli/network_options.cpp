#include "client/cli/network_options.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "common/error.hpp"

namespace dspt::client {

namespace {

constexpr double kLongestTimeoutSeconds = 3600;

}  // namespace

void add_network_options(CLI::App* command, CommandContext& context) {
    command->add_option("--timeout", context.network.timeout_seconds,
                        "Seconds to wait for the server at each step of a request, and for a "
                        "transfer that stops moving (default 30)");
    command->add_flag("--insecure-http", context.network.insecure_http,
                      "Allow a plain http:// server address that is not this computer: answers "
                      "and keys then cross the network unencrypted (a trusted network only)");
}

TransportOptions transport_options(const CommandContext& context) {
    const double seconds = context.network.timeout_seconds;
    if (!(seconds > 0 && seconds <= kLongestTimeoutSeconds)) {
        fail(ErrorCode::invalid_argument, "--timeout is more than 0 and at most 3600 seconds");
    }
    TransportOptions options;
    options.timeout =
        std::chrono::milliseconds(std::max<long long>(1, std::llround(seconds * 1000)));
    options.stop_requested = context.network.stop_requested;
    options.insecure_http = context.network.insecure_http;
    return options;
}

}  // namespace dspt::client
