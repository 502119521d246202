#include "http/access_log.hpp"

#include <charconv>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <thread>
#include <type_traits>

#include <climits>

namespace dspt::http {

namespace {

bool needs_quotes(std::string_view value) {
    if (value.empty()) {
        return true;
    }
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || c == '"' || c == '=' || c == '\\') {
            return true;
        }
    }
    return false;
}

// `value` as log_value() writes it, appended to `out`.
void append_value(std::string& out, std::string_view value) {
    if (!needs_quotes(value)) {
        out += value;
        return;
    }
    out += '"';
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u == 0x7f) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", u);
            out += hex;
        } else {
            out += c;
        }
    }
    out += '"';
}

void append_field(std::string& line, std::string_view key, std::string_view value) {
    if (!line.empty()) {
        line += ' ';
    }
    line += key;
    line += '=';
    append_value(line, value);
}

// A whole number as text, without allocating.
template <typename Integer>
requires std::is_integral_v<Integer>
void append_field(std::string& line, std::string_view key, Integer value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    append_field(line, key, std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

}  // namespace

std::string log_value(std::string_view value) {
    std::string out;
    append_value(out, value);
    return out;
}

std::string format_utc_time(std::chrono::system_clock::time_point time) {
    const auto since_epoch = time.time_since_epoch();
    const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
    // Most lines of a thread fall in the second of its previous line: format that
    // second once.
    thread_local std::int64_t cached_second = INT64_MIN;
    thread_local char cached_text[64] = {};
    if (seconds.count() != cached_second) {
        const std::time_t t = static_cast<std::time_t>(seconds.count());
        std::tm tm{};
        gmtime_r(&t, &tm);
        std::snprintf(cached_text, sizeof cached_text, "%04d-%02d-%02dT%02d:%02d:%02d",
                      tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                      tm.tm_sec);
        cached_second = seconds.count();
    }
    std::string text(cached_text);
    const int ms = static_cast<int>(millis);
    const char fraction[] = {'.', static_cast<char>('0' + ms / 100),
                             static_cast<char>('0' + ms / 10 % 10),
                             static_cast<char>('0' + ms % 10), 'Z'};
    text.append(fraction, sizeof fraction);
    return text;
}

std::string format_access_line(const AccessRecord& record, std::string_view error) {
    std::string line;
    line.reserve(256);
    append_field(line, "time", format_utc_time(record.time));
    append_field(line, "method", record.method.empty() ? "-" : record.method);
    append_field(line, "path", record.path.empty() ? "-" : record.path);
    append_field(line, "route", record.route);
    append_field(line, "status", record.status);
    char ms[32];
    const auto ms_end =
        std::to_chars(ms, ms + sizeof ms,
                      std::chrono::duration<double, std::milli>(record.duration).count(),
                      std::chars_format::fixed, 2)
            .ptr;
    append_field(line, "duration_ms", std::string_view(ms, static_cast<std::size_t>(ms_end - ms)));
    append_field(line, "device", record.device.empty() ? "-" : record.device);
    append_field(line, "remote", record.remote);
    append_field(line, "bytes_in", record.bytes_in);
    append_field(line, "bytes_out", record.bytes_out);
    if (!error.empty()) {
        append_field(line, "error", error);
    }
    return line;
}

std::string format_event_line(
    std::string_view event,
    std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
    std::string line;
    append_field(line, "time", format_utc_time(std::chrono::system_clock::now()));
    append_field(line, "event", event);
    for (const auto& [key, value] : fields) {
        append_field(line, key, value);
    }
    return line;
}

// Serialises writes to stderr: whole lines, or whole blocks of them.
std::mutex& stderr_mutex() {
    static std::mutex mutex;
    return mutex;
}

void write_stderr_block(std::string_view block) {
    const std::lock_guard lock(stderr_mutex());
    std::fwrite(block.data(), 1, block.size(), stderr);
    std::fflush(stderr);
}

void write_stderr_line(std::string_view line) {
    std::string whole(line);
    whole += '\n';
    write_stderr_block(whole);
}

class StderrLineWriter::State {
  public:
    void add(std::string_view line) {
        bool wake = false;
        bool overflow = false;
        {
            const std::lock_guard lock(mutex_);
            wake = pending_.empty();
            pending_.append(line).push_back('\n');
            overflow = pending_.size() >= kMaxPending;
        }
        if (overflow) {
            write_pending();  // stderr is slow: wait for it, as a direct write would
        } else if (wake) {
            wake_.notify_one();
        }
    }

    // Writes what is pending, in order with any other call of it.
    void write_pending() {
        const std::lock_guard writing(writing_);
        std::string block;
        {
            const std::lock_guard lock(mutex_);
            block.swap(pending_);
        }
        if (!block.empty()) {
            write_stderr_block(block);
        }
    }

    void run() {
        for (;;) {
            {
                std::unique_lock lock(mutex_);
                wake_.wait(lock, [this] { return !pending_.empty() || stopping_; });
                if (pending_.empty()) {
                    return;  // stopping, and all written
                }
            }
            write_pending();
            // Let lines gather: under load one write carries many.
            std::unique_lock lock(mutex_);
            wake_.wait_for(lock, kInterval, [this] { return stopping_; });
        }
    }

    void stop() {
        {
            const std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
    }

  private:
    std::mutex writing_;  // held while a block is taken and written
    std::mutex mutex_;
    std::condition_variable wake_;
    std::string pending_;  // guarded by mutex_
    bool stopping_ = false;
};

StderrLineWriter::StderrLineWriter() : state_(std::make_shared<State>()) {
    thread_ = std::thread([state = state_] {
        try {
            state->run();
        } catch (...) {
            // Lines left are written by the destructor.
        }
    });
}

StderrLineWriter::~StderrLineWriter() {
    state_->stop();
    thread_.join();
    try {
        state_->write_pending();
    } catch (...) {
    }
}

void StderrLineWriter::add(std::string_view line) noexcept {
    try {
        state_->add(line);
    } catch (...) {
        // Out of memory: the line is lost, the request is not.
    }
}

std::string format_exception_line(std::string_view event, std::exception_ptr error) {
    std::string what = "a non-standard exception";
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        what = e.what();
    } catch (...) {
    }
    return format_event_line(event, {{"error", what}});
}

}  // namespace dspt::http
