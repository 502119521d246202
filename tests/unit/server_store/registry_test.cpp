#include <memory>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "store_fixture.hpp"

namespace dspt::server::store::test {

namespace {

RegistryRow row(std::string org, std::string org_name, bool hq, std::string site, std::string cqc,
                std::string site_name) {
    return RegistryRow{std::move(org),  std::move(org_name), hq,
                       std::move(site), std::move(cqc),      std::move(site_name)};
}

}  // namespace

TEST_CASE_METHOD(StoreFixture, "organisations are created, found and listed by ODS code",
                 "[unit][server_store]") {
    CHECK_FALSE(repo().find_organisation("AB12"));
    CHECK(repo().list_organisations().empty());

    const auto hq = organisation("AB12", "Rose Care Group", true);
    repo().create_organisation(hq);
    repo().create_organisation(organisation("AA01", "Ash Care", false));

    CHECK(repo().find_organisation("AB12") == hq);
    const auto all = repo().list_organisations();
    REQUIRE(all.size() == 2);
    CHECK(all[0].ods == "AA01");
    CHECK(all[1] == hq);
    CHECK_FALSE(repo().find_organisation("ab12"));
    CHECK_FALSE(repo().find_organisation("not a code\n"));
}

TEST_CASE_METHOD(StoreFixture, "creating an organisation twice or with bad fields fails",
                 "[unit][server_store]") {
    repo().create_organisation(organisation("AB12", "Rose Care Group", true));
    const auto message = require_error(ErrorCode::already_exists, [&] {
        repo().create_organisation(organisation("AB12", "Another name", false));
    });
    CHECK_THAT(message, Catch::Contains("AB12"));
    CHECK(repo().find_organisation("AB12")->name == "Rose Care Group");

    require_error(ErrorCode::invalid_argument,
                  [&] { repo().create_organisation(organisation("ab12", "Lower", false)); });
    require_error(ErrorCode::invalid_argument,
                  [&] { repo().create_organisation(organisation("CD34", "", false)); });
}

TEST_CASE_METHOD(StoreFixture, "Cyber Essentials Plus expiry is set and cleared",
                 "[unit][server_store]") {
    seed_registry();
    const auto expires = Date::parse("2026-09-30");
    REQUIRE(expires);
    repo().set_cyber_essentials_plus("AB12", expires);
    CHECK(repo().find_organisation("AB12")->cyber_essentials_plus_expires == expires);
    repo().set_cyber_essentials_plus("AB12", std::nullopt);
    CHECK_FALSE(repo().find_organisation("AB12")->cyber_essentials_plus_expires);

    require_error(ErrorCode::not_found, [&] { repo().set_cyber_essentials_plus("ZZ99", expires); });
    require_error(ErrorCode::invalid_argument,
                  [&] { repo().set_cyber_essentials_plus("zz", expires); });
}

TEST_CASE_METHOD(StoreFixture, "sites belong to an existing organisation and are unique",
                 "[unit][server_store]") {
    seed_registry();
    const Site site{"VA1B2", "AB12", "1-123456789", "Rose Lodge"};
    CHECK(repo().find_site("VA1B2") == site);
    CHECK_FALSE(repo().find_site("VZZZZ"));

    const auto sites = repo().sites_of("AB12");
    REQUIRE(sites.size() == 2);
    CHECK(sites[0] == site);
    CHECK(sites[1].ods == "VA1B3");
    CHECK(repo().sites_of("VC9D8").size() == 1);

    repo().create_organisation(organisation("EF56", "Elm Care", true));
    CHECK(repo().sites_of("EF56").empty());

    SECTION("unknown organisation") {
        require_error(ErrorCode::not_found, [&] {
            repo().add_site(Site{"VX1X1", "ZZ99", "1-111111111", "Nowhere"});
        });
        require_error(ErrorCode::not_found, [&] { (void)repo().sites_of("ZZ99"); });
    }
    SECTION("duplicate site code, even under another organisation") {
        const auto message = require_error(ErrorCode::already_exists, [&] {
            repo().add_site(Site{"VA1B2", "EF56", "1-222222222", "Elm Lodge"});
        });
        CHECK_THAT(message, Catch::Contains("VA1B2"));
        CHECK_THAT(message, Catch::Contains("AB12"));
        CHECK(repo().find_site("VA1B2") == site);
    }
    SECTION("bad fields") {
        require_error(ErrorCode::invalid_argument, [&] {
            repo().add_site(Site{"VX1X1", "EF56", "123456789", "Elm Lodge"});
        });
        require_error(ErrorCode::invalid_argument, [&] {
            repo().add_site(Site{"v1", "EF56", "1-123456789", "Elm Lodge"});
        });
        require_error(ErrorCode::invalid_argument, [&] {
            repo().add_site(Site{"VX1X1", "EF56", "1-123456789", ""});
        });
    }
}

TEST_CASE_METHOD(StoreFixture,
                 "a registry import creates organisations and sites and updates names",
                 "[unit][server_store]") {
    seed_registry();
    const std::vector<RegistryRow> rows{
        // Unchanged.
        row("AB12", "Rose Care Group", true, "VA1B2", "1-123456789", "Rose Lodge"),
        // A renamed site with a new CQC location id.
        row("AB12", "Rose Care Group", true, "VA1B3", "1-987654000", "Rose Court Nursing"),
        // A new site of an existing organisation.
        row("AB12", "Rose Care Group", true, "VA1B4", "1-444444444", "Rose Gardens"),
        // A renamed organisation.
        row("VC9D8", "Oak Homecare Ltd", false, "VC9D8", "1-555555555", "Oak Homecare Office"),
        // A new organisation with two sites.
        row("EF56", "Elm Care", true, "VE1F1", "1-666666666", "Elm House"),
        row("EF56", "Elm Care", true, "VE1F2", "1-777777777", "Elm Cottage"),
    };
    const auto summary = repo().import_registry(rows, kT0 + 5);
    CHECK(summary == ImportSummary{1, 1, 3, 1});

    CHECK(repo().find_organisation("VC9D8")->name == "Oak Homecare Ltd");
    const auto elm = repo().find_organisation("EF56");
    REQUIRE(elm);
    CHECK(elm->is_headquarters);
    CHECK(elm->created_at_ms == kT0 + 5);
    CHECK(repo().sites_of("EF56").size() == 2);
    CHECK(repo().find_site("VA1B3") == Site{"VA1B3", "AB12", "1-987654000", "Rose Court Nursing"});
    CHECK(repo().sites_of("AB12").size() == 3);

    // The same rows again change nothing.
    CHECK(repo().import_registry(rows, kT0 + 6) == ImportSummary{});
    CHECK(repo().find_organisation("EF56")->created_at_ms == kT0 + 5);
}

TEST_CASE_METHOD(StoreFixture, "a registry import with a bad row in the middle changes nothing",
                 "[unit][server_store]") {
    seed_registry();
    std::vector<RegistryRow> rows{
        row("EF56", "Elm Care", true, "VE1F1", "1-666666666", "Elm House"),
        row("AB12", "Rose Care Group Ltd", true, "VA1B2", "1-123456789", "Rose Lodge Renamed"),
        row("GH78", "Holly Care", false, "VG1H1", "1-888888888", "Holly House"),
    };
    const auto unchanged = [&] {
        CHECK_FALSE(repo().find_organisation("EF56"));
        CHECK_FALSE(repo().find_organisation("GH78"));
        CHECK_FALSE(repo().find_site("VE1F1"));
        CHECK(repo().find_organisation("AB12")->name == "Rose Care Group");
        CHECK(repo().find_site("VA1B2")->name == "Rose Lodge");
    };

    SECTION("a malformed row is refused before anything is written") {
        rows.insert(rows.begin() + 2,
                    row("IJ90", "Ivy Care", false, "VI1J1", "not-a-cqc-id", "Ivy House"));
        const auto message = require_error(ErrorCode::invalid_argument,
                                           [&] { (void)repo().import_registry(rows, kT0); });
        CHECK_THAT(message, Catch::Contains("registry row 3"));
        CHECK_THAT(message, Catch::Contains("CQC location id"));
        unchanged();
    }
    SECTION("rows that disagree about one organisation are refused") {
        rows.insert(rows.begin() + 2,
                    row("EF56", "Elm Care Ltd", true, "VE1F2", "1-777777777", "Elm Cottage"));
        const auto message = require_error(ErrorCode::invalid_argument,
                                           [&] { (void)repo().import_registry(rows, kT0); });
        CHECK_THAT(message, Catch::Contains("registry rows 1 and 3"));
        unchanged();
    }
    SECTION("a site registered to another organisation rolls the whole import back") {
        // Found only while writing, after the rows before it were applied.
        rows.insert(rows.begin() + 2,
                    row("GH78", "Holly Care", false, "VA1B3", "1-987654321", "Rose Court"));
        const auto message = require_error(ErrorCode::failed_precondition,
                                           [&] { (void)repo().import_registry(rows, kT0); });
        CHECK_THAT(message, Catch::Contains("registry row 3"));
        CHECK_THAT(message, Catch::Contains("VA1B3 is registered to organisation AB12"));
        unchanged();
        CHECK(repo().find_site("VA1B3")->organisation_ods == "AB12");
    }
}

TEST_CASE_METHOD(StoreFixture, "two repositories importing one registry at once create it once",
                 "[unit][server_store]") {
    // As two server processes would, each with its own connections.
    seed_registry();
    std::vector<RegistryRow> rows;
    for (int i = 0; i < 20; ++i) {
        const std::string n = std::to_string(10 + i);
        rows.push_back(
            row("EF" + n, "Elm Care " + n, true, "VE1F" + n, "1-6666666" + n, "Elm House " + n));
    }
    rows.push_back(row("AB12", "Rose Care Group Ltd", true, "VA1B2", "1-123456789", "Rose Lodge"));
    const auto second = open();

    constexpr int kImports = 4;
    std::vector<ImportSummary> summaries(kImports);
    std::vector<std::string> errors(kImports);
    std::vector<std::thread> threads;
    for (int i = 0; i < kImports; ++i) {
        Repository& target = i % 2 == 0 ? repo() : *second;
        threads.emplace_back([&, i] {
            try {
                summaries[i] = target.import_registry(rows, kT0 + i);
            } catch (const Error& e) {
                errors[i] = e.what();
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    ImportSummary total;
    for (int i = 0; i < kImports; ++i) {
        INFO("import " << i);
        CHECK(errors[i].empty());
        total.organisations_created += summaries[i].organisations_created;
        total.organisations_updated += summaries[i].organisations_updated;
        total.sites_created += summaries[i].sites_created;
        total.sites_updated += summaries[i].sites_updated;
    }
    CHECK(total == ImportSummary{20, 1, 20, 0});
    CHECK(repo().list_organisations().size() == 22);
    CHECK(second->find_organisation("AB12")->name == "Rose Care Group Ltd");
}

}  // namespace dspt::server::store::test
