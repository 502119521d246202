#include "http/metrics.hpp"

#include <cstdio>

#include "http/limits.hpp"

namespace dspt::http {

namespace {

constexpr std::string_view kOverflowRoute = "(other)";

// A label value with backslash, double quote and newline escaped, as the
// exposition format requires.
std::string label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '"':
                out += "\\\"";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string format_double(double value) {
    char text[64];
    std::snprintf(text, sizeof text, "%.9g", value);
    return text;
}

}  // namespace

void Metrics::record_request(std::string_view route, int status, std::chrono::nanoseconds duration,
                             std::string_view authenticated_by) {
    if (authenticated_by == "signature") {
        signed_.fetch_add(1, std::memory_order_relaxed);
    } else if (authenticated_by == "session") {
        in_session_.fetch_add(1, std::memory_order_relaxed);
    }
    const double seconds = std::chrono::duration<double>(duration).count();
    std::size_t bucket = 0;
    while (bucket < kBucketBounds.size() && seconds > kBucketBounds[bucket]) {
        ++bucket;
    }
    // Buckets are stored non-cumulative (one increment per request) and
    // summed when rendered, which keeps recording to one atomic add.
    buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
    const auto ns = duration.count() < 0 ? 0 : static_cast<std::uint64_t>(duration.count());
    duration_sum_ns_.fetch_add(ns, std::memory_order_relaxed);

    const std::lock_guard lock(mutex_);
    auto it = requests_.find(std::pair<std::string_view, int>(route, status));
    if (it == requests_.end()) {
        const bool full = requests_.size() >= kMaxMetricSeries;
        it = requests_.try_emplace(SeriesKey(full ? kOverflowRoute : route, status), 0).first;
    }
    ++it->second;
}

void Metrics::record_refused_connection() noexcept {
    refused_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::session_opened() noexcept {
    open_sessions_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::session_closed() noexcept {
    open_sessions_.fetch_sub(1, std::memory_order_relaxed);
}

std::int64_t Metrics::open_sessions() const noexcept {
    return open_sessions_.load(std::memory_order_relaxed);
}

std::uint64_t Metrics::requests(std::string_view route, int status) const {
    const std::lock_guard lock(mutex_);
    const auto it = requests_.find(std::pair<std::string_view, int>(route, status));
    return it == requests_.end() ? 0 : it->second;
}

std::string Metrics::render() const {
    std::string out;
    out +=
        "# HELP dspt_http_requests_total HTTP requests answered, by route and status.\n"
        "# TYPE dspt_http_requests_total counter\n";
    {
        const std::lock_guard lock(mutex_);
        for (const auto& [key, count] : requests_) {
            out += "dspt_http_requests_total{route=\"" + label_value(key.first) + "\",status=\"" +
                   std::to_string(key.second) + "\"} " + std::to_string(count) + "\n";
        }
    }

    out +=
        "# HELP dspt_http_request_duration_seconds Time from a request's first byte to its "
        "response's last.\n"
        "# TYPE dspt_http_request_duration_seconds histogram\n";
    // Read each bucket once; _count is the +Inf bucket so the two always agree
    // even while requests are being recorded.
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        cumulative += buckets_[i].load(std::memory_order_relaxed);
        const std::string le = i < kBucketBounds.size() ? format_double(kBucketBounds[i]) : "+Inf";
        out += "dspt_http_request_duration_seconds_bucket{le=\"" + le + "\"} " +
               std::to_string(cumulative) + "\n";
    }
    const double sum_seconds =
        static_cast<double>(duration_sum_ns_.load(std::memory_order_relaxed)) / 1e9;
    out += "dspt_http_request_duration_seconds_sum " + format_double(sum_seconds) + "\n";
    out += "dspt_http_request_duration_seconds_count " + std::to_string(cumulative) + "\n";

    out +=
        "# HELP dspt_http_open_sessions Connections open now.\n"
        "# TYPE dspt_http_open_sessions gauge\n"
        "dspt_http_open_sessions " +
        std::to_string(open_sessions()) + "\n";
    out +=
        "# HELP dspt_http_connections_refused_total Connections closed at accept because "
        "max_connections were open.\n"
        "# TYPE dspt_http_connections_refused_total counter\n"
        "dspt_http_connections_refused_total " +
        std::to_string(refused_.load(std::memory_order_relaxed)) + "\n";
    out +=
        "# HELP dspt_http_authenticated_total Requests authenticated, by a device's signature "
        "or in a request session.\n"
        "# TYPE dspt_http_authenticated_total counter\n"
        "dspt_http_authenticated_total{by=\"signature\"} " +
        std::to_string(signed_.load(std::memory_order_relaxed)) +
        "\n"
        "dspt_http_authenticated_total{by=\"session\"} " +
        std::to_string(in_session_.load(std::memory_order_relaxed)) + "\n";
    return out;
}

}  // namespace dspt::http
