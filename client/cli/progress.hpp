#pragma once
// A progress line on standard error, for long work (evidence files added,
// written out or moved by a sync). It shows only when standard error is a
// terminal; it is redrawn in place at most a few times a second and ends
// with a final line. Off a terminal it prints nothing.

#include <chrono>
#include <cstdint>
#include <string>

#include "client/store/evidence_store.hpp"

namespace dspt::client {

// Files at least this large show progress when added or written out.
inline constexpr std::uint64_t kProgressThresholdBytes = std::uint64_t{4} << 20;

// One line redrawn in place: "<label>: 12.0 MiB of 90.0 MiB (13%), file 1
// of 2, 45.2 MiB/s".
class ProgressLine {
  public:
    // Draws nothing unless standard error is a terminal.
    explicit ProgressLine(std::string label);
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    // `files` 0 leaves the files out. Redrawn when a quarter of a second has
    // passed since the last drawing, or when all is done.
    void update(std::uint64_t done, std::uint64_t total, std::size_t file = 0,
                std::size_t files = 0);

    // Draws the final state and ends the line, if anything was drawn.
    void finish();

    // Starts again under a new label (the line drawn so far is ended first).
    void relabel(std::string label);

  private:
    void draw();

    bool terminal_;
    std::string label_;
    std::chrono::steady_clock::time_point started_;
    std::chrono::steady_clock::time_point drawn_at_{};
    bool drawn_ = false;
    std::size_t width_ = 0;
    std::uint64_t done_ = 0;
    std::uint64_t total_ = 0;
    std::size_t file_ = 0;
    std::size_t files_ = 0;
};

// A callback that draws "<verb> <name>: ..." for a file of `total` bytes;
// empty (nothing drawn) for a file under kProgressThresholdBytes or off a
// terminal.
ProgressFn make_progress(std::string verb, std::string name, std::uint64_t total);

// Ends the progress line, if one was drawn.
void finish_progress(std::uint64_t total);

}  // namespace dspt::client
