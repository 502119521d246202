#include "common/standards/bundled.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "common/standards/embedded_packs.hpp"
#include "common/standards/loader.hpp"
#include "common/standards/validation.hpp"

namespace dspt::standards {
namespace {

bool is_met_mandatory(const Pack& pack, std::string_view id) {
    const Item* item = pack.find(id);
    return item != nullptr && item->mandatory_met;
}

TEST_CASE("bundled_years lists the three bundled years, oldest first", "[unit][standards]") {
    CHECK(bundled_years() == std::vector<std::string>{"2023-24", "2024-25", "2025-26"});
    CHECK(newest_bundled_pack().year == "2025-26");
}

TEST_CASE("every bundled pack has the exact mandatory counts for its year", "[unit][standards]") {
    struct Expected {
        const char* year;
        const char* version;
        std::size_t approaching;
        std::size_t met;
    };
    const auto expected =
        GENERATE(Expected{"2023-24", "v6", 26, 39}, Expected{"2024-25", "v7", 26, 40},
                 Expected{"2025-26", "v8", 26, 42});
    const Pack& pack = bundled_pack(expected.year);
    INFO("year " << expected.year);
    CHECK(pack.year == expected.year);
    CHECK(pack.version == expected.version);
    CHECK(pack.count_mandatory_approaching() == expected.approaching);
    CHECK(pack.count_mandatory_met() == expected.met);
    // NHS England's version 8 item list marks these mandatory for Approaching
    // Standards only; Standards Met still needs them, since it includes every
    // Approaching Standards item.
    for (const char* id : {"1.3.8", "1.4.3", "6.1.2"}) {
        INFO("item " << id);
        REQUIRE(pack.find(id) != nullptr);
        CHECK(pack.find(id)->mandatory_approaching);
        CHECK_FALSE(pack.find(id)->mandatory_met);
        CHECK(pack.find(id)->needed_for_met());
    }
}

TEST_CASE("each bundled version opens on the day the toolkit opened it", "[unit][standards]") {
    CHECK(bundled_pack("2025-26").opening_date() == *Date::parse("2025-09-18"));
    CHECK(bundled_pack("2024-25").opening_date() == *Date::parse("2024-09-02"));
    // Not known from public sources: counted from the start of its year.
    CHECK_FALSE(bundled_pack("2023-24").opens);
    CHECK(bundled_pack("2023-24").opening_date() == *Date::parse("2023-07-01"));
}

TEST_CASE("bundled ids are unique, well formed and in toolkit order", "[unit][standards]") {
    for (const auto& year : bundled_years()) {
        const Pack& pack = bundled_pack(year);
        INFO("year " << year);
        std::set<std::string> ids;
        for (const auto& item : pack.items) {
            CHECK(ids.insert(item.id).second);
            CHECK(detail::parse_item_id(item.id).has_value());
        }
        CHECK(std::is_sorted(pack.items.begin(), pack.items.end(), detail::toolkit_order_less));
        CHECK_NOTHROW(validate_pack(pack, year));
    }
}

TEST_CASE("4.5.3 multi-factor authentication arrives in 2024-25", "[unit][standards]") {
    CHECK(bundled_pack("2023-24").find("4.5.3") == nullptr);
    for (const auto* year : {"2024-25", "2025-26"}) {
        const Item* mfa = bundled_pack(year).find("4.5.3");
        REQUIRE(mfa != nullptr);
        CHECK(mfa->mandatory_met);
        CHECK_FALSE(mfa->mandatory_approaching);
        CHECK(mfa->type == AnswerType::confirm);
        CHECK(mfa->comment.find("exception") != std::string::npos);
        CHECK(mfa->source == Source::confirmed);
    }
}

TEST_CASE("4.3.1 and 7.1.1 are mandatory for Standards Met only in 2025-26", "[unit][standards]") {
    for (const auto* id : {"4.3.1", "7.1.1"}) {
        INFO("item " << id);
        CHECK_FALSE(is_met_mandatory(bundled_pack("2023-24"), id));
        CHECK_FALSE(is_met_mandatory(bundled_pack("2024-25"), id));
        CHECK(is_met_mandatory(bundled_pack("2025-26"), id));
        CHECK_FALSE(bundled_pack("2025-26").find(id)->mandatory_approaching);
    }
}

TEST_CASE("optional items are shown but mandatory for no level", "[unit][standards]") {
    for (const auto& year : bundled_years()) {
        for (const auto* id :
             {"1.1.6", "1.3.6", "4.4.1", "5.2.1", "6.3.5", "8.1.4", "8.2.1", "9.2.1", "10.2.2"}) {
            INFO(year << " item " << id);
            const Item* item = bundled_pack(year).find(id);
            REQUIRE(item != nullptr);
            CHECK_FALSE(item->mandatory_met);
            CHECK_FALSE(item->mandatory_approaching);
        }
    }
    // Items new in v8 exist only in the 2025-26 pack.
    for (const auto* id : {"7.1.5", "7.1.6", "8.3.8"}) {
        INFO("item " << id);
        CHECK(bundled_pack("2024-25").find(id) == nullptr);
        REQUIRE(bundled_pack("2025-26").find(id) != nullptr);
        CHECK_FALSE(bundled_pack("2025-26").find(id)->mandatory_met);
    }
}

TEST_CASE("inferred items are marked and ask to be checked against the official list",
          "[unit][standards]") {
    for (const auto& year : bundled_years()) {
        const Pack& pack = bundled_pack(year);
        std::size_t inferred = 0;
        for (const auto& item : pack.items) {
            if (item.source == Source::inferred) {
                ++inferred;
                INFO(year << " item " << item.id);
                CHECK(item.comment.find("official list") != std::string::npos);
            }
        }
        CHECK(inferred > 0);
        for (const auto* id : {"1.3.3", "1.3.4", "1.3.6", "4.5.1", "6.2.2", "7.2.1", "8.1.4"}) {
            INFO(year << " item " << id);
            REQUIRE(pack.find(id) != nullptr);
            CHECK(pack.find(id)->source == Source::inferred);
        }
        for (const auto* id : {"1.1.1", "1.1.2", "1.2.4", "2.1.1", "3.2.1", "6.1.1"}) {
            INFO(year << " item " << id);
            REQUIRE(pack.find(id) != nullptr);
            CHECK(pack.find(id)->source == Source::confirmed);
        }
        CHECK(pack.find("1.1.1")->type == AnswerType::text);
        CHECK(pack.find("1.1.2")->type == AnswerType::document);
    }
}

TEST_CASE("an unknown year is not_found and the message lists the bundled years",
          "[unit][standards]") {
    try {
        (void)bundled_pack("1999-00");
        FAIL("no error thrown");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::not_found);
        CHECK(std::string(e.what()) ==
              "no bundled standards pack for year \"1999-00\" (available: 2023-24, 2024-25, "
              "2025-26)");
    }
}

TEST_CASE("bundled packs are parsed once and shared between threads", "[unit][standards]") {
    std::vector<const Pack*> seen(8, nullptr);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < seen.size(); ++i) {
        threads.emplace_back([&seen, i] { seen[i] = &bundled_pack("2024-25"); });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    for (const Pack* pack : seen) {
        CHECK(pack == &bundled_pack("2024-25"));
    }
}

TEST_CASE("bundled pack files are in the canonical form pack_to_json writes", "[unit][standards]") {
    // Keeps the JSON files sorted and formatted, so a regenerated pack diffs cleanly.
    for (const auto& embedded : detail::embedded_packs()) {
        INFO(embedded.file_name);
        const Pack& pack = bundled_pack(embedded.year);
        CHECK(pack_to_json(pack) == embedded.json);
        CHECK(parse_pack_json(pack_to_json(pack), "round trip") == pack);
    }
}

}  // namespace
}  // namespace dspt::standards
