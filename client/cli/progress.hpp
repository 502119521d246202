#pragma once
// A progress line on standard error, for long evidence transfers. It shows
// only when standard error is a terminal and the file is large enough to make
// the wait noticeable; otherwise it prints nothing.

#include <cstdint>
#include <string>

#include "client/store/evidence_store.hpp"

namespace dspt::client {

// Files at least this large show progress.
inline constexpr std::uint64_t kProgressThresholdBytes = std::uint64_t{4} << 20;

// A callback that redraws "<verb> <name>: 42% (84.0 MiB of 200.0 MiB)".
// `total` decides whether anything is shown at all.
ProgressFn make_progress(std::string verb, std::string name, std::uint64_t total);

// Ends the progress line, if one was drawn.
void finish_progress(std::uint64_t total);

}  // namespace dspt::client
