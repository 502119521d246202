#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "store_fixture.hpp"

namespace dspt::server::store::test {

namespace {

constexpr std::string_view kHqDevice = "0f8e2c4a-1b3d-4e5f-8a9b-0c1d2e3f4a5b";

}  // namespace

TEST_CASE_METHOD(StoreFixture, "partners are created with ids and found by id or name",
                 "[unit][server_store]") {
    const Partner first = repo().create_partner("Better Security Partners", kT0);
    const Partner second = repo().create_partner("Care IT Support", kT0 + 1);
    CHECK(first.id > 0);
    CHECK(second.id != first.id);
    CHECK(first == Partner{first.id, "Better Security Partners", kT0});

    CHECK(repo().find_partner(first.id) == first);
    CHECK_FALSE(repo().find_partner(first.id + second.id + 100));
    CHECK(repo().find_partner_by_name("Care IT Support") == second);
    CHECK(repo().find_partner_by_name("care it support") == second);
    CHECK_FALSE(repo().find_partner_by_name("Care IT"));
    CHECK(repo().list_partners() == std::vector<Partner>{first, second});

    const auto message = require_error(ErrorCode::already_exists, [&] {
        (void)repo().create_partner("BETTER SECURITY PARTNERS", kT0);
    });
    CHECK_THAT(message, Catch::Contains("Better Security Partners"));
    require_error(ErrorCode::invalid_argument, [&] { (void)repo().create_partner("", kT0); });
}

TEST_CASE_METHOD(StoreFixture, "grants are given, revoked and given again",
                 "[unit][server_store]") {
    seed_registry();
    const Partner partner = repo().create_partner("Better Security Partners", kT0);
    CHECK_FALSE(repo().live_grant("AB12", partner.id, kT0 + 100));

    const Grant given = repo().give_grant("AB12", partner.id, kHqDevice, kT0 + 10, std::nullopt);
    CHECK(given == Grant{"AB12", partner.id, "Better Security Partners", kT0 + 10,
                         std::string(kHqDevice), std::nullopt, "", std::nullopt});
    CHECK(given.live());
    CHECK(repo().live_grant("AB12", partner.id, kT0 + 100) == given);

    // A live grant cannot be given twice.
    require_error(ErrorCode::already_exists, [&] {
        (void)repo().give_grant("AB12", partner.id, "admin", kT0 + 11, std::nullopt);
    });

    const Grant revoked = repo().revoke_grant("AB12", partner.id, "admin", kT0 + 20);
    CHECK(revoked.revoked_at_ms == kT0 + 20);
    CHECK(revoked.revoked_by_device == "admin");
    CHECK(revoked.given_at_ms == kT0 + 10);
    CHECK_FALSE(repo().live_grant("AB12", partner.id, kT0 + 100));

    // Nothing live to revoke any more.
    require_error(ErrorCode::not_found,
                  [&] { (void)repo().revoke_grant("AB12", partner.id, "admin", kT0 + 21); });

    // After a revoke, a new grant is allowed; the old one stays as history.
    const Grant again = repo().give_grant("AB12", partner.id, kHqDevice, kT0 + 30, std::nullopt);
    CHECK(repo().live_grant("AB12", partner.id, kT0 + 100) == again);
    const auto history = repo().grants_of_organisation("AB12");
    REQUIRE(history.size() == 2);
    CHECK(history[0] == revoked);
    CHECK(history[1] == again);
    CHECK(repo().grants_of_organisation("VC9D8").empty());
}

TEST_CASE_METHOD(StoreFixture, "organisations_granting lists only live grants",
                 "[unit][server_store]") {
    seed_registry();
    repo().create_organisation(organisation("EF56", "Elm Care", true));
    const Partner partner = repo().create_partner("Better Security Partners", kT0);
    const Partner other = repo().create_partner("Care IT Support", kT0);
    CHECK(repo().organisations_granting(partner.id, kT0 + 100).empty());

    (void)repo().give_grant("VC9D8", partner.id, "admin", kT0 + 1, std::nullopt);
    (void)repo().give_grant("AB12", partner.id, "admin", kT0 + 2, std::nullopt);
    (void)repo().give_grant("EF56", partner.id, "admin", kT0 + 3, std::nullopt);
    (void)repo().give_grant("EF56", other.id, "admin", kT0 + 4, std::nullopt);

    auto granting = repo().organisations_granting(partner.id, kT0 + 100);
    REQUIRE(granting.size() == 3);
    CHECK(granting[0].ods == "AB12");
    CHECK(granting[1].ods == "EF56");
    CHECK(granting[2].ods == "VC9D8");
    CHECK(granting[0] == *repo().find_organisation("AB12"));

    (void)repo().revoke_grant("EF56", partner.id, "admin", kT0 + 5);
    granting = repo().organisations_granting(partner.id, kT0 + 100);
    REQUIRE(granting.size() == 2);
    CHECK(granting[0].ods == "AB12");
    CHECK(granting[1].ods == "VC9D8");
    // The other partner's grant from the same organisation is untouched.
    REQUIRE(repo().organisations_granting(other.id, kT0 + 100).size() == 1);
    CHECK(repo().live_grant("EF56", other.id, kT0 + 100));

    (void)repo().give_grant("EF56", partner.id, "admin", kT0 + 6, std::nullopt);
    CHECK(repo().organisations_granting(partner.id, kT0 + 100).size() == 3);
}

TEST_CASE_METHOD(StoreFixture, "grants name an existing organisation and partner",
                 "[unit][server_store]") {
    seed_registry();
    const Partner partner = repo().create_partner("Better Security Partners", kT0);
    const std::int64_t unknown_partner = partner.id + 1000;

    CHECK_THAT(
        require_error(
            ErrorCode::not_found,
            [&] { (void)repo().give_grant("ZZ99", partner.id, "admin", kT0, std::nullopt); }),
        Catch::Contains("ZZ99"));
    require_error(ErrorCode::not_found, [&] {
        (void)repo().give_grant("AB12", unknown_partner, "admin", kT0, std::nullopt);
    });
    require_error(ErrorCode::not_found,
                  [&] { (void)repo().revoke_grant("ZZ99", partner.id, "admin", kT0); });
    require_error(ErrorCode::not_found,
                  [&] { (void)repo().revoke_grant("AB12", unknown_partner, "admin", kT0); });
    require_error(ErrorCode::not_found, [&] { (void)repo().grants_of_organisation("ZZ99"); });
    require_error(ErrorCode::not_found,
                  [&] { (void)repo().organisations_granting(unknown_partner, kT0); });
    require_error(ErrorCode::invalid_argument,
                  [&] { (void)repo().give_grant("AB12", partner.id, "", kT0, std::nullopt); });
    require_error(ErrorCode::invalid_argument,
                  [&] { (void)repo().give_grant("ab12", partner.id, "admin", kT0, std::nullopt); });
    CHECK(repo().grants_of_organisation("AB12").empty());
}

TEST_CASE_METHOD(StoreFixture, "a grant with an end date stops at its end and can be renewed",
                 "[unit][server_store]") {
    seed_registry();
    const Partner partner = repo().create_partner("Better Security Partners", kT0);
    const std::int64_t end = kT0 + 1000;
    const Grant given = repo().give_grant("AB12", partner.id, kHqDevice, kT0 + 10, end);
    CHECK(given.expires_at_ms == end);
    CHECK(repo().live_grant("AB12", partner.id, end) == given);  // its last moment counts
    CHECK(repo().organisations_granting(partner.id, end).size() == 1);
    CHECK(repo().grants_to_partner(partner.id, end).size() == 1);

    // Past its end, the partner reads nothing through it.
    CHECK_FALSE(repo().live_grant("AB12", partner.id, end + 1));
    CHECK(repo().organisations_granting(partner.id, end + 1).empty());
    CHECK(repo().grants_to_partner(partner.id, end + 1).empty());

    // The same grant again is refused while it is in force; a new end replaces it,
    // and the replaced one stays in the history.
    CHECK_THROWS_AS(repo().give_grant("AB12", partner.id, kHqDevice, kT0 + 20, end), Error);
    const Grant longer = repo().give_grant("AB12", partner.id, kHqDevice, kT0 + 30, end + 5000);
    CHECK(repo().live_grant("AB12", partner.id, end + 1) == longer);
    auto history = repo().grants_of_organisation("AB12");
    REQUIRE(history.size() == 2);
    CHECK(history[0].revoked_at_ms == kT0 + 30);
    CHECK(history[1].live());

    // An ended grant can be given again, and a grant cannot end before it starts.
    const Grant renewed =
        repo().give_grant("AB12", partner.id, kHqDevice, end + 6000, std::nullopt);
    CHECK(repo().live_grant("AB12", partner.id, end + 100000) == renewed);
    CHECK(repo().grants_of_organisation("AB12").size() == 3);
    const Partner other = repo().create_partner("Care IT Support", kT0);
    CHECK_THROWS_AS(repo().give_grant("AB12", other.id, kHqDevice, kT0 + 10, kT0 + 9), Error);
}

TEST_CASE_METHOD(StoreFixture, "two repositories giving one grant at once give it once",
                 "[unit][server_store]") {
    // As two server processes would, each with its own connections.
    seed_registry();
    const Partner partner = repo().create_partner("Better Security Partners", kT0);
    const auto second = open();

    std::atomic<int> given{0};
    std::atomic<int> already_live{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
        Repository& target = i % 2 == 0 ? repo() : *second;
        threads.emplace_back([&, i] {
            try {
                (void)target.give_grant("AB12", partner.id, "admin", kT0 + i, std::nullopt);
                ++given;
            } catch (const Error& e) {
                if (e.code() == ErrorCode::already_exists) {
                    ++already_live;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    CHECK(given == 1);
    CHECK(already_live == 3);
    CHECK(repo().grants_of_organisation("AB12").size() == 1);
}

TEST_CASE_METHOD(StoreFixture, "a partner labels the organisations that grant it access",
                 "[unit][server_store]") {
    seed_registry();
    const Partner partner = repo().create_partner("Better Security Partners", kT0);
    const Partner other = repo().create_partner("Care IT Support", kT0);
    (void)repo().give_grant("AB12", partner.id, kHqDevice, kT0, std::nullopt);
    (void)repo().give_grant("VC9D8", partner.id, "admin", kT0, kT0 + 1000);
    (void)repo().give_grant("VC9D8", other.id, "admin", kT0, std::nullopt);
    CHECK(repo().partner_groups(partner.id, kT0 + 1).empty());

    repo().set_partner_group(partner.id, "VC9D8", "Leeds City Council", kT0 + 1);
    repo().set_partner_group(partner.id, "AB12", "North Yorkshire", kT0 + 2);
    repo().set_partner_group(partner.id, "AB12", "Wakefield", kT0 + 3);  // replaces
    CHECK(repo().partner_groups(partner.id, kT0 + 10) ==
          std::vector<PartnerGroup>{{"AB12", "Wakefield", kT0 + 3},
                                    {"VC9D8", "Leeds City Council", kT0 + 1}});
    // Another partner's labels are its own.
    CHECK(repo().partner_groups(other.id, kT0 + 10).empty());

    // Past the grant's end the label is shown nowhere, and cannot be changed.
    CHECK(repo().partner_groups(partner.id, kT0 + 1001) ==
          std::vector<PartnerGroup>{{"AB12", "Wakefield", kT0 + 3}});
    require_error(ErrorCode::not_found,
                  [&] { repo().set_partner_group(partner.id, "VC9D8", "Leeds", kT0 + 1001); });
    // Revoked: gone from the list; given again, the partner's label is back.
    (void)repo().revoke_grant("AB12", partner.id, "admin", kT0 + 1020);
    CHECK(repo().partner_groups(partner.id, kT0 + 1021).empty());
    require_error(ErrorCode::not_found,
                  [&] { repo().set_partner_group(partner.id, "AB12", "York", kT0 + 1022); });
    (void)repo().give_grant("AB12", partner.id, kHqDevice, kT0 + 1030, std::nullopt);
    CHECK(repo().partner_groups(partner.id, kT0 + 1031) ==
          std::vector<PartnerGroup>{{"AB12", "Wakefield", kT0 + 3}});

    // An empty label takes the organisation out of its group.
    repo().set_partner_group(partner.id, "AB12", "", kT0 + 1040);
    CHECK(repo().partner_groups(partner.id, kT0 + 1041).empty());

    // Bad labels, codes and partners change nothing.
    require_error(ErrorCode::invalid_argument,
                  [&] { repo().set_partner_group(partner.id, "AB12", " Leeds", kT0 + 1050); });
    require_error(ErrorCode::invalid_argument,
                  [&] { repo().set_partner_group(partner.id, "AB12", "a\nb", kT0 + 1050); });
    require_error(ErrorCode::invalid_argument,
                  [&] { repo().set_partner_group(partner.id, "not a code", "Leeds", kT0 + 1050); });
    require_error(ErrorCode::not_found, [&] {
        repo().set_partner_group(partner.id + other.id + 100, "AB12", "Leeds", kT0 + 1050);
    });
    require_error(ErrorCode::not_found,
                  [&] { (void)repo().partner_groups(partner.id + other.id + 100, kT0 + 1050); });
    CHECK(repo().partner_groups(partner.id, kT0 + 1051).empty());
}

}  // namespace dspt::server::store::test
