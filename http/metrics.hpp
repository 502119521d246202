#pragma once
// Request metrics of the HTTP server, rendered for /metrics in the Prometheus
// text exposition format (version 0.0.4):
//
//   dspt_http_requests_total{route="POST /v1/enrol",status="201"}   counter
//   dspt_http_request_duration_seconds_bucket{le="0.005"} ...       histogram
//   dspt_http_request_duration_seconds_sum / _count
//   dspt_http_open_sessions                                         gauge
//   dspt_http_connections_refused_total                             counter
//   dspt_http_authenticated_total{by="signature"|"session"}         counter
//
// Routes are the handler's route names (Response::route), never raw paths, so
// the number of series stays bounded; past kMaxMetricSeries distinct
// (route, status) pairs, new pairs are counted under route="(other)".
//
// Thread-safety: every member function may be called from any thread at any
// time. Counters and gauges are atomics; the (route, status) map sits behind
// one mutex held only for a map lookup, so recording costs well under a
// microsecond.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace dspt::http {

class Metrics {
  public:
    // Upper bounds of the latency histogram buckets, in seconds (the
    // Prometheus client defaults); an implicit +Inf bucket follows.
    static constexpr std::array<double, 11> kBucketBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                             0.5,   1.0,  2.5,   5.0,  10.0};

    // One request answered (including the server's own /healthz, /metrics and
    // error responses), with the time from its first byte to its last byte
    // written.
    // `authenticated_by` is Response::authenticated_by.
    void record_request(std::string_view route, int status, std::chrono::nanoseconds duration,
                        std::string_view authenticated_by = {});

    // A connection accepted and closed at once because max_connections were open.
    void record_refused_connection() noexcept;

    // The open-sessions gauge.
    void session_opened() noexcept;
    void session_closed() noexcept;
    std::int64_t open_sessions() const noexcept;

    // The count recorded for (route, status); 0 when none. For tests and logs.
    std::uint64_t requests(std::string_view route, int status) const;

    // Every metric in the Prometheus text format, ending with a newline.
    std::string render() const;

  private:
    using SeriesKey = std::pair<std::string, int>;  // (route, status)

    // Orders keys and (std::string_view, int) look-ups alike, so recording
    // does not allocate for a series that exists.
    struct SeriesLess {
        using is_transparent = void;
        template <typename A, typename B>
        bool operator()(const A& a, const B& b) const noexcept {
            return std::pair<std::string_view, int>(a.first, a.second) <
                   std::pair<std::string_view, int>(b.first, b.second);
        }
    };

    mutable std::mutex mutex_;
    std::map<SeriesKey, std::uint64_t, SeriesLess> requests_;  // guarded by mutex_

    std::array<std::atomic<std::uint64_t>, kBucketBounds.size() + 1> buckets_{};
    std::atomic<std::uint64_t> duration_sum_ns_{0};
    std::atomic<std::int64_t> open_sessions_{0};
    std::atomic<std::uint64_t> refused_{0};
    std::atomic<std::uint64_t> signed_{0};
    std::atomic<std::uint64_t> in_session_{0};
};

}  // namespace dspt::http
