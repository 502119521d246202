#include "common/duration.hpp"

#include <catch2/catch.hpp>

#include "common/error.hpp"

using dspt::format_duration;
using dspt::parse_duration;
using namespace std::chrono_literals;

TEST_CASE("durations read as people write them", "[unit][common]") {
    CHECK(parse_duration("90s") == 90s);
    CHECK(parse_duration("30m") == 30min);
    CHECK(parse_duration("72h") == 72h);
    CHECK(parse_duration("72") == 72h);
    CHECK(parse_duration("7d") == 168h);
    for (const char* bad : {"", "0h", "-1h", "7w", "h", "1.5h", "400d", "7 d"}) {
        INFO(bad);
        CHECK_THROWS_AS(parse_duration(bad), dspt::Error);
    }
    CHECK(format_duration(168h) == "7d");
    CHECK(format_duration(72h) == "3d");
    CHECK(format_duration(90min) == "90m");
    CHECK(format_duration(61s) == "61s");
}
