// Metrics and the access log formatting, without a socket.
#include "http/metrics.hpp"

#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include "http/access_log.hpp"
#include "http/limits.hpp"

using dspt::http::AccessRecord;
using dspt::http::format_access_line;
using dspt::http::format_utc_time;
using dspt::http::log_value;
using dspt::http::Metrics;
using namespace std::chrono_literals;

TEST_CASE("Metrics renders counters, a cumulative histogram and gauges", "[unit][http]") {
    Metrics metrics;
    metrics.record_request("POST /v1/enrol", 201, 2ms);
    metrics.record_request("POST /v1/enrol", 201, 30ms);
    metrics.record_request("GET /v1/pull", 200, 3s);
    metrics.record_request("GET /v1/pull", 200, 60s);
    metrics.record_refused_connection();
    metrics.session_opened();
    metrics.session_opened();
    metrics.session_closed();

    CHECK(metrics.requests("POST /v1/enrol", 201) == 2);
    CHECK(metrics.requests("POST /v1/enrol", 500) == 0);
    const std::string text = metrics.render();
    CHECK_THAT(text, Catch::Contains("# TYPE dspt_http_requests_total counter\n"));
    CHECK_THAT(text, Catch::Contains(
                         "dspt_http_requests_total{route=\"POST /v1/enrol\",status=\"201\"} 2\n"));
    CHECK_THAT(text, Catch::Contains(
                         "dspt_http_requests_total{route=\"GET /v1/pull\",status=\"200\"} 2\n"));
    CHECK_THAT(text, Catch::Contains("# TYPE dspt_http_request_duration_seconds histogram\n"));
    CHECK_THAT(text, Catch::Contains("_bucket{le=\"0.005\"} 1\n"));
    CHECK_THAT(text, Catch::Contains("_bucket{le=\"0.025\"} 1\n"));
    CHECK_THAT(text, Catch::Contains("_bucket{le=\"0.05\"} 2\n"));
    CHECK_THAT(text, Catch::Contains("_bucket{le=\"5\"} 3\n"));
    CHECK_THAT(text, Catch::Contains("_bucket{le=\"10\"} 3\n"));
    CHECK_THAT(text, Catch::Contains("_bucket{le=\"+Inf\"} 4\n"));
    CHECK_THAT(text, Catch::Contains("dspt_http_request_duration_seconds_sum 63.032\n"));
    CHECK_THAT(text, Catch::Contains("dspt_http_request_duration_seconds_count 4\n"));
    CHECK_THAT(text, Catch::Contains("dspt_http_open_sessions 1\n"));
    CHECK_THAT(text, Catch::Contains("dspt_http_connections_refused_total 1\n"));
}

TEST_CASE("Metrics escapes labels and bounds the number of series", "[unit][http]") {
    Metrics metrics;
    metrics.record_request("GET \"odd\\route\"\n", 200, 1ms);
    CHECK_THAT(metrics.render(),
               Catch::Contains("{route=\"GET \\\"odd\\\\route\\\"\\n\",status=\"200\"} 1\n"));

    for (std::size_t i = 0; i < dspt::http::kMaxMetricSeries + 10; ++i) {
        metrics.record_request("GET /item/" + std::to_string(i), 200, 1ms);
    }
    CHECK(metrics.requests("(other)", 200) == 11);
    CHECK(metrics.requests("GET /item/0", 200) == 1);
}

TEST_CASE("The access log quotes values that need it", "[unit][http]") {
    CHECK(log_value("/v1/enrol") == "/v1/enrol");
    CHECK(log_value("") == "\"\"");
    CHECK(log_value("POST /v1/enrol") == "\"POST /v1/enrol\"");
    CHECK(log_value("a=b") == "\"a=b\"");
    CHECK(log_value("say \"hi\"\\") == "\"say \\\"hi\\\"\\\\\"");
    CHECK(log_value("line\nbreak") == "\"line\\x0abreak\"");

    const auto time = std::chrono::system_clock::time_point(1'795'239'000'123ms);
    CHECK(format_utc_time(time) == "2026-11-21T05:30:00.123Z");
    const std::string line = format_access_line({.time = time,
                                                 .method = "POST",
                                                 .path = "/v1/enrol",
                                                 .route = "POST /v1/enrol",
                                                 .status = 201,
                                                 .duration = 3200us,
                                                 .device = "",
                                                 .remote = "127.0.0.1:5555",
                                                 .bytes_in = 120,
                                                 .bytes_out = 80});
    CHECK(line ==
          "time=2026-11-21T05:30:00.123Z method=POST path=/v1/enrol route=\"POST /v1/enrol\" "
          "status=201 duration_ms=3.20 device=- remote=127.0.0.1:5555 bytes_in=120 bytes_out=80");
}

TEST_CASE("The access line ends with the handler's error, when there is one", "[unit][http]") {
    const auto time = std::chrono::system_clock::time_point(1'795'239'000'123ms);
    const AccessRecord record{.time = time,
                              .method = "GET",
                              .path = "/v1/whoami",
                              .route = "GET /v1/whoami",
                              .status = 500,
                              .duration = 1000us,
                              .device = "d1",
                              .remote = "127.0.0.1:5555",
                              .bytes_in = 0,
                              .bytes_out = 58};
    CHECK(format_access_line(record, "disk I/O error") ==
          "time=2026-11-21T05:30:00.123Z method=GET path=/v1/whoami route=\"GET /v1/whoami\" "
          "status=500 duration_ms=1.00 device=d1 remote=127.0.0.1:5555 bytes_in=0 bytes_out=58 "
          "error=\"disk I/O error\"");
    CHECK(format_access_line(record) == format_access_line(record, ""));
    CHECK(format_access_line(record).find("error=") == std::string::npos);
}
