#include "client/cli/progress.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <unistd.h>

#include "client/format/output.hpp"

namespace dspt::client {

namespace {

bool stderr_is_terminal() {
    return ::isatty(STDERR_FILENO) != 0;
}

bool shows(std::uint64_t total) {
    return total >= kProgressThresholdBytes && stderr_is_terminal();
}

// The file progress line in use, ended by finish_progress().
std::shared_ptr<ProgressLine>& current_file_line() {
    static std::shared_ptr<ProgressLine> line;
    return line;
}

constexpr auto kRedrawEvery = std::chrono::milliseconds(250);

}  // namespace

ProgressLine::ProgressLine(std::string label)
    : terminal_(stderr_is_terminal()),
      label_(std::move(label)),
      started_(std::chrono::steady_clock::now()) {}

void ProgressLine::update(std::uint64_t done, std::uint64_t total, std::size_t file,
                          std::size_t files) {
    done_ = done;
    total_ = total;
    file_ = file;
    files_ = files;
    const auto now = std::chrono::steady_clock::now();
    if (!terminal_ || (done < total && drawn_ && now - drawn_at_ < kRedrawEvery)) {
        return;
    }
    drawn_at_ = now;
    draw();
}

void ProgressLine::draw() {
    std::string text = label_ + ": " + human_size(done_) + " of " + human_size(total_);
    if (total_ > 0) {
        text += " (" + std::to_string(done_ * 100 / total_) + "%)";
    }
    if (files_ > 0) {
        text += ", file " + std::to_string(std::min(file_ + 1, files_)) + " of " +
                std::to_string(files_);
    }
    const auto seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    if (seconds > 0.05) {
        text += ", " +
                human_size(static_cast<std::uint64_t>(static_cast<double>(done_) / seconds)) + "/s";
    }
    // Spaces clear what a longer line before left behind.
    const auto shown = text.size();
    if (shown < width_) {
        text.append(width_ - shown, ' ');
    }
    width_ = shown;
    std::fprintf(stderr, "\r%s", text.c_str());
    std::fflush(stderr);
    drawn_ = true;
}

void ProgressLine::finish() {
    if (!terminal_ || !drawn_) {
        return;
    }
    if (done_ < total_ || file_ < files_) {
        draw();  // the last state, as it stood
    }
    std::fputs("\n", stderr);
    std::fflush(stderr);
    drawn_ = false;
    width_ = 0;
}

void ProgressLine::relabel(std::string label) {
    finish();
    label_ = std::move(label);
    started_ = std::chrono::steady_clock::now();
    done_ = total_ = 0;
    file_ = files_ = 0;
}

ProgressFn make_progress(std::string verb, std::string name, std::uint64_t total) {
    if (!shows(total)) {
        return {};
    }
    auto line = std::make_shared<ProgressLine>(verb + " " + name);
    current_file_line() = line;
    return [line](std::uint64_t done, std::uint64_t all) { line->update(done, all); };
}

void finish_progress(std::uint64_t total) {
    if (auto& line = current_file_line(); line && shows(total)) {
        line->finish();
        line.reset();
    }
}

}  // namespace dspt::client
