#include "client/cli/progress.hpp"

#include <cstdio>
#include <unistd.h>

#include "client/format/output.hpp"

namespace dspt::client {

namespace {

bool shows(std::uint64_t total) {
    return total >= kProgressThresholdBytes && ::isatty(STDERR_FILENO) != 0;
}

}  // namespace

ProgressFn make_progress(std::string verb, std::string name, std::uint64_t total) {
    if (!shows(total)) {
        return {};
    }
    return [verb = std::move(verb), name = std::move(name), last = -1](std::uint64_t done,
                                                                       std::uint64_t all) mutable {
        const int percent = all == 0 ? 100 : static_cast<int>(done * 100 / all);
        if (percent == last) {
            return;
        }
        last = percent;
        std::fprintf(stderr, "\r%s %s: %3d%% (%s of %s)", verb.c_str(), name.c_str(), percent,
                     human_size(done).c_str(), human_size(all).c_str());
        std::fflush(stderr);
    };
}

void finish_progress(std::uint64_t total) {
    if (shows(total)) {
        std::fputs("\n", stderr);
    }
}

}  // namespace dspt::client
