// Publications in the server store: immutable, idempotent by request id,
// Approaching Standards only once, and the public register's search.

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "common/sqlite/database.hpp"
#include "server/store/pg_connection.hpp"
#include "tests/unit/server_store/store_fixture.hpp"

using namespace dspt::server::store;
using namespace dspt::server::store::test;
using dspt::ErrorCode;
using dspt::standards::Level;

namespace {

Publication publication(std::string request, Level level, std::vector<std::string> sites,
                        std::int64_t at_ms = kT0) {
    Publication p;
    p.organisation_ods = "AB12";
    p.sites = std::move(sites);
    p.year = "2025-26";
    p.level = level;
    p.published_at_ms = at_ms;
    p.device_id = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
    p.request_id = std::move(request);
    return p;
}

}  // namespace

TEST_CASE("a publication is recorded once per request and listed newest first",
          "[unit][server_store]") {
    StoreFixture fx;
    fx.seed_registry();
    const auto first = fx.repo().record_publication(
        publication("request-1", Level::approaching, {"VA1B3", "VA1B2", "VA1B2"}));
    CHECK_FALSE(first.duplicate);
    CHECK(first.publication.id == 1);
    CHECK(first.publication.sites == std::vector<std::string>{"VA1B2", "VA1B3"});

    // The same request again, even asking for something else, is the same publication.
    const auto retried =
        fx.repo().record_publication(publication("request-1", Level::met, {"VA1B2"}, kT0 + 5000));
    CHECK(retried.duplicate);
    CHECK(retried.publication == first.publication);

    const auto later =
        fx.repo().record_publication(publication("request-2", Level::met, {"VA1B2"}, kT0 + 9000));
    const auto listed = fx.repo().publications_of("AB12");
    REQUIRE(listed.size() == 2);
    CHECK(listed[0] == later.publication);
    CHECK(listed[1] == first.publication);
    CHECK(fx.repo().find_publication_by_request("request-2") == later.publication);
    CHECK_FALSE(fx.repo().find_publication_by_request("request-3").has_value());

    fx.reopen();
    CHECK(fx.repo().publications_of("AB12").size() == 2);
}

TEST_CASE("Approaching Standards is refused once an organisation has published",
          "[unit][server_store]") {
    StoreFixture fx;
    fx.seed_registry();
    fx.repo().record_publication(publication("request-1", Level::met, {"VA1B2"}));
    const auto message = require_error(ErrorCode::failed_precondition, [&] {
        fx.repo().record_publication(publication("request-2", Level::approaching, {"VA1B3"}));
    });
    CHECK_THAT(message, Catch::Contains("at least Standards Met"));
    CHECK(fx.repo().publications_of("AB12").size() == 1);
}

TEST_CASE("of first publications at Approaching Standards made at once, one is recorded",
          "[unit][server_store]") {
    StoreFixture fx;
    fx.seed_registry();
    // Each from a repository of its own, as from several server processes.
    constexpr int kPublishers = 6;
    std::vector<std::unique_ptr<Repository>> stores;
    for (int i = 0; i < kPublishers; ++i) {
        stores.push_back(fx.open());
    }
    std::atomic<int> recorded{0};
    std::atomic<int> refused{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kPublishers; ++i) {
        threads.emplace_back([&, i] {
            try {
                stores[static_cast<std::size_t>(i)]->record_publication(publication(
                    "request-" + std::to_string(i), Level::approaching, {"VA1B2"}, kT0 + i));
                ++recorded;
            } catch (const dspt::Error& error) {
                if (error.code() == ErrorCode::failed_precondition) {
                    ++refused;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    CHECK(recorded == 1);
    CHECK(refused == kPublishers - 1);
    CHECK(fx.repo().publications_of("AB12").size() == 1);
}

TEST_CASE("a publication names only its organisation's sites and well-formed values",
          "[unit][server_store]") {
    StoreFixture fx;
    fx.seed_registry();
    require_error(ErrorCode::not_found,
                  [&] { fx.repo().record_publication(publication("r", Level::met, {"VC9D8"})); });
    require_error(ErrorCode::invalid_argument,
                  [&] { fx.repo().record_publication(publication("r", Level::met, {})); });
    require_error(ErrorCode::invalid_argument,
                  [&] { fx.repo().record_publication(publication("r", Level::none, {"VA1B2"})); });
    auto bad_year = publication("r", Level::met, {"VA1B2"});
    bad_year.year = "2025-27";
    require_error(ErrorCode::invalid_argument, [&] { fx.repo().record_publication(bad_year); });
    auto other_device = publication("r", Level::met, {"VA1B2"});
    fx.repo().record_publication(other_device);
    other_device.device_id = "1b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
    require_error(ErrorCode::already_exists, [&] { fx.repo().record_publication(other_device); });
    CHECK(fx.repo().publications_of("AB12").size() == 1);
}

TEST_CASE("the stored publications cannot be changed or deleted", "[unit][server_store]") {
    StoreFixture fx;
    fx.seed_registry();
    fx.repo().record_publication(publication("request-1", Level::met, {"VA1B2"}));
    // Straight to the database, past the repository.
    for (const auto* sql : {"UPDATE publications SET level = 'exceeded'",
                            "DELETE FROM publications", "DELETE FROM publication_sites"}) {
        if (fx.postgresql()) {
            pg::Connection db(fx.location());
            CHECK_THROWS(db.execute(sql));
        } else {
            dspt::sqlite::Database db(SqliteRepository::file_in(fx.data_dir()));
            CHECK_THROWS(db.execute(sql));
        }
    }
    CHECK(fx.repo().publications_of("AB12").at(0).level == Level::met);
}

TEST_CASE("the public register finds organisations by name and by code", "[unit][server_store]") {
    StoreFixture fx;
    fx.seed_registry();
    fx.repo().record_publication(publication("request-1", Level::met, {"VA1B2"}));

    const auto by_name = fx.repo().search_public("rose care", 0, 10);
    REQUIRE(by_name.total == 1);
    const auto& rose = by_name.entries[0];
    CHECK(rose.ods == "AB12");
    CHECK(rose.every_site);
    REQUIRE(rose.sites.size() == 2);
    CHECK(rose.sites[0].ods == "VA1B2");
    REQUIRE(rose.sites[0].latest.has_value());
    CHECK(rose.sites[0].latest->level == Level::met);
    CHECK(rose.sites[0].latest->sites == std::vector<std::string>{"VA1B2"});
    // Nothing covers Rose Court.
    CHECK(rose.sites[1].ods == "VA1B3");
    CHECK_FALSE(rose.sites[1].latest.has_value());

    CHECK(fx.repo().search_public("ab12", 0, 10).entries.at(0).sites.size() == 2);
    // A site code finds its organisation with that site alone.
    const auto court = fx.repo().search_public("va1b3", 0, 10);
    REQUIRE(court.entries.size() == 1);
    CHECK(court.entries[0].ods == "AB12");
    CHECK_FALSE(court.entries[0].every_site);
    REQUIRE(court.entries[0].sites.size() == 1);
    CHECK(court.entries[0].sites[0].ods == "VA1B3");
    CHECK_FALSE(court.entries[0].sites[0].latest.has_value());
    CHECK(fx.repo().search_public("VA1B", 0, 10).entries.at(0).sites.size() == 2);

    const auto oak = fx.repo().search_public("VC9", 0, 10);
    REQUIRE(oak.entries.size() == 1);
    CHECK(oak.entries[0].name == "Oak Homecare");
    CHECK(oak.entries[0].every_site);
    REQUIRE(oak.entries[0].sites.size() == 1);
    CHECK_FALSE(oak.entries[0].sites[0].latest.has_value());
    CHECK(fx.repo().search_public("nothing like it", 0, 10).total == 0);
    // 100% of a query is text, never a pattern.
    CHECK(fx.repo().search_public("%", 0, 10).total == 0);

    const auto all = fx.repo().search_public("", 0, 1);
    CHECK(all.total == 2);
    REQUIRE(all.entries.size() == 1);
    CHECK(all.entries[0].name == "Oak Homecare");  // by name: Oak before Rose
    CHECK(fx.repo().search_public("", 1, 1).entries.at(0).name == "Rose Care Group");
}

TEST_CASE("each site on the public register gets the newest publication that covers it",
          "[unit][server_store]") {
    StoreFixture fx;
    fx.seed_registry();
    fx.repo().record_publication(publication("request-1", Level::met, {"VA1B2", "VA1B3"}, kT0));
    fx.repo().record_publication(publication("request-2", Level::exceeded, {"VA1B3"}, kT0 + 1000));
    const auto rose = fx.repo().search_public("AB12", 0, 10).entries.at(0);
    REQUIRE(rose.sites.size() == 2);
    REQUIRE(rose.sites[0].latest.has_value());
    CHECK(rose.sites[0].latest->request_id == "request-1");
    CHECK(rose.sites[0].latest->sites == std::vector<std::string>{"VA1B2", "VA1B3"});
    REQUIRE(rose.sites[1].latest.has_value());
    CHECK(rose.sites[1].latest->request_id == "request-2");
    CHECK(rose.sites[1].latest->level == Level::exceeded);
}
