#pragma once
// Structured log lines of the HTTP server: one access line per request and
// one event line per notable connection event, both as key=value pairs:
//
//   time=2026-11-21T05:30:00.123Z method=POST path=/v1/enrol route="POST /v1/enrol"
//   status=201 duration_ms=3.2 device=- remote=127.0.0.1:5555 bytes_in=312 bytes_out=95
//
// and, when the handler answered a fault of its own (Response::error), a last field
// error="..." with what went wrong;
//
//   time=2026-11-21T05:30:01.000Z event=tls_handshake_failed remote=... error="..."
//
// (each on one line). A value that is empty, or holds a space, '"', '=', '\'
// or a control character, is written in double quotes with '"' and '\'
// escaped and control characters as \xNN, so every line splits unambiguously.
// The query string is never logged (it may carry tokens).
//
// Thread-safety: the functions are pure, except write_stderr_line() and
// StderrLineWriter::add(), which may be called from any thread; concurrent
// lines never interleave.

#include <chrono>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

namespace dspt::http {

struct AccessRecord {
    std::chrono::system_clock::time_point time;  // when the request's first byte arrived
    std::string_view method;                     // "-" when the request line was unreadable
    std::string_view path;
    std::string_view route;
    int status = 0;
    std::chrono::nanoseconds duration{0};
    std::string_view device;  // "-" when none
    std::string_view remote;
    std::uint64_t bytes_in = 0;
    std::uint64_t bytes_out = 0;
};

// The access line for one request, without a trailing newline. With a non-empty
// `error` (Response::error: the handler answered a fault of its own), the line ends
// with error="...".
std::string format_access_line(const AccessRecord& record, std::string_view error = {});

// An event line: time=<now> event=<event> then the fields in order.
std::string format_event_line(
    std::string_view event,
    std::initializer_list<std::pair<std::string_view, std::string_view>> fields);

// The event line for an exception that ended a task: its what(), or a note
// that it was not a std::exception.
std::string format_exception_line(std::string_view event, std::exception_ptr error);

// A value as written in a line: bare when safe, quoted and escaped otherwise.
std::string log_value(std::string_view value);

// UTC time with milliseconds: "2026-11-21T05:30:00.123Z".
std::string format_utc_time(std::chrono::system_clock::time_point time);

// The line and a newline to stderr, whole, at once.
void write_stderr_line(std::string_view line);

// The default ServerConfig::log: lines to stderr, gathered and written by a
// thread of its own, so that a request costs no write to the log file and no
// wait for another thread's. A line is written within kInterval of its add()
// (more exactly, once the thread has written the lines before it and slept
// kInterval). Should lines pile up beyond kMaxPending (stderr blocked), add()
// writes them itself, so nothing is lost and memory stays bounded. Lines keep
// their order, and never interleave with write_stderr_line's. The destructor
// writes what is left; a process killed with SIGKILL loses at most the lines of
// its last kInterval.
//
// Thread-safety: add() may be called from any thread.
class StderrLineWriter {
  public:
    static constexpr std::chrono::milliseconds kInterval{20};
    static constexpr std::size_t kMaxPending = 4 * 1024 * 1024;  // bytes

    StderrLineWriter();
    ~StderrLineWriter();
    StderrLineWriter(const StderrLineWriter&) = delete;
    StderrLineWriter& operator=(const StderrLineWriter&) = delete;

    void add(std::string_view line) noexcept;

  private:
    class State;
    std::shared_ptr<State> state_;
    std::thread thread_;
};

}  // namespace dspt::http
