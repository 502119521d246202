#include "client/store/conflict_values.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/clock/hybrid_clock.hpp"

using dspt::HlcTime;
using dspt::client::conflict_values;
using dspt::client::ConflictRecord;

TEST_CASE("a conflict's values say who wrote each, on which device and when",
          "[unit][client_store]") {
    // 2026-12-06 14:05:09 UTC.
    const auto hlc = HlcTime(1'796'565'909'000, 3).raw();
    ConflictRecord conflict{"answer/1.1.1", nlohmann::json::array()};
    conflict.siblings.push_back({{"replica_id", "mine-0001"},
                                 {"author", "Sam"},
                                 {"hlc", hlc},
                                 {"value", {{"value", "yes"}}}});
    conflict.siblings.push_back({{"replica_id", "theirs-0002"},
                                 {"author", "Jo"},
                                 {"device", "Office PC"},
                                 {"hlc", hlc},
                                 {"value", {{"value", "no"}, {"comment", "Not yet"}}}});
    conflict.siblings.push_back({{"replica_id", "gone-0003"}, {"value", {{"deleted", true}}}});

    const auto values = conflict_values(conflict, "mine-0001");
    REQUIRE(values.size() == 3);
    CHECK(values[0].this_device);
    CHECK(values[0].device_label() == "this device");
    CHECK(values[0].value == "yes");
    CHECK(values[0].at_ms == 1'796'565'909'000);
    CHECK_FALSE(values[1].this_device);
    CHECK(values[1].device_label() == "Office PC");
    CHECK(values[1].author == "Jo");
    CHECK(values[1].comment == "Not yet");
    CHECK(values[2].removed);
    CHECK(values[2].device_label() == "another device");
    CHECK(values[2].at_ms == 0);
}

TEST_CASE("a conflict value of the wrong shape shows as far as it can, and never throws",
          "[unit][client_store]") {
    ConflictRecord conflict{"answer/1.1.1", nlohmann::json::array()};
    conflict.siblings.push_back(42);
    conflict.siblings.push_back({{"replica_id", 7},
                                 {"author", nlohmann::json::array()},
                                 {"device", false},
                                 {"hlc", "soon"},
                                 {"value", {{"value", "yes"}, {"comment", 3}}}});
    const auto values = conflict_values(conflict, "");
    REQUIRE(values.size() == 1);
    CHECK(values[0].replica_id.empty());
    CHECK_FALSE(values[0].this_device);
    CHECK(values[0].device_label() == "another device");
    CHECK(values[0].value == "yes");
    CHECK(values[0].comment.empty());
    CHECK(values[0].at_ms == 0);
    CHECK(conflict_values(ConflictRecord{"answer/1.1.1", nlohmann::json::object()}, "").empty());
}
