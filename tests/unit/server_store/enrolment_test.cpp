#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "store_fixture.hpp"

namespace dspt::server::store::test {

TEST_CASE_METHOD(StoreFixture, "tokens are stored and found as given", "[unit][server_store]") {
    seed_registry();
    const auto token = branch_token();
    CHECK_FALSE(repo().find_token(token.token_id));
    repo().create_token(token);
    CHECK(repo().find_token(token.token_id) == token);

    SECTION("headquarters and partner tokens") {
        auto hq = branch_token("hq-token");
        hq.role = DeviceRole::headquarters;
        hq.site_ods.clear();
        hq.organisation_key_envelope.clear();
        repo().create_token(hq);
        CHECK(repo().find_token("hq-token") == hq);

        const Partner partner = repo().create_partner("Better Security Partners", kT0);
        auto partner_token = branch_token("partner-token");
        partner_token.role = DeviceRole::partner;
        partner_token.organisation_ods.clear();
        partner_token.site_ods.clear();
        partner_token.partner_id = partner.id;
        repo().create_token(partner_token);
        CHECK(repo().find_token("partner-token") == partner_token);
    }
    SECTION("a token id is used once") {
        require_error(ErrorCode::already_exists, [&] { repo().create_token(token); });
    }
    SECTION("the scope must exist") {
        auto unknown_site = branch_token("t2");
        unknown_site.site_ods = "VZZZZ";
        require_error(ErrorCode::not_found, [&] { repo().create_token(unknown_site); });

        auto unknown_org = branch_token("t3");
        unknown_org.organisation_ods = "ZZ99";
        require_error(ErrorCode::not_found, [&] { repo().create_token(unknown_org); });

        auto other_org = branch_token("t4");
        other_org.site_ods = "VC9D8";  // a site of VC9D8, not of AB12
        CHECK_THAT(
            require_error(ErrorCode::failed_precondition, [&] { repo().create_token(other_org); }),
            Catch::Contains("belongs to organisation VC9D8"));

        auto unknown_partner = branch_token("t5");
        unknown_partner.role = DeviceRole::partner;
        unknown_partner.organisation_ods.clear();
        unknown_partner.site_ods.clear();
        unknown_partner.partner_id = 4242;
        require_error(ErrorCode::not_found, [&] { repo().create_token(unknown_partner); });
    }
    SECTION("a malformed token is refused") {
        auto bad = branch_token("t6");
        bad.expires_at_ms = bad.created_at_ms - 1;
        require_error(ErrorCode::invalid_argument, [&] { repo().create_token(bad); });
    }
}

TEST_CASE_METHOD(StoreFixture, "enrolment stores the device and uses the token",
                 "[unit][server_store]") {
    seed_registry();
    const auto token = branch_token();
    repo().create_token(token);
    auto device = device_for(token);
    device.enrolled_at_ms = 1;  // ignored
    device.revoked_at_ms = 2;   // ignored

    const Device stored = repo().enrol_device(token.token_id, token.verifier, device, kT0 + 500);
    CHECK(stored.id == device.id);
    CHECK(stored.enrolled_at_ms == kT0 + 500);
    CHECK_FALSE(stored.revoked());
    CHECK(repo().find_device(device.id) == stored);
    CHECK(repo().list_devices() == std::vector<Device>{stored});

    const auto used = repo().find_token(token.token_id);
    REQUIRE(used);
    CHECK(used->used_at_ms == kT0 + 500);
    CHECK(used->used_by_device == device.id);

    CHECK_FALSE(repo().find_device("00000000-0000-4000-8000-000000000000"));
}

TEST_CASE_METHOD(StoreFixture, "a token enrols one device only", "[unit][server_store]") {
    seed_registry();
    const auto token = branch_token();
    const Device first = enrol(token);

    const auto message = require_error(ErrorCode::failed_precondition, [&] {
        (void)repo().enrol_device(token.token_id, token.verifier, device_for(token), kT0 + 2000);
    });
    CHECK_THAT(message, Catch::Contains("already used"));
    CHECK_THAT(message, Catch::Contains(first.id));
    CHECK(repo().list_devices().size() == 1);
}

TEST_CASE_METHOD(StoreFixture, "a token works up to its expiry and not after",
                 "[unit][server_store]") {
    seed_registry();
    const auto token = branch_token();
    repo().create_token(token);

    const auto message = require_error(ErrorCode::failed_precondition, [&] {
        (void)repo().enrol_device(token.token_id, token.verifier, device_for(token),
                                  token.expires_at_ms + 1);
    });
    CHECK_THAT(message, Catch::Contains("expired"));
    CHECK_THAT(message, !Catch::Contains("already used"));
    CHECK_FALSE(repo().find_token(token.token_id)->used());

    const Device device =
        repo().enrol_device(token.token_id, token.verifier, device_for(token), token.expires_at_ms);
    CHECK(repo().find_device(device.id));
}

TEST_CASE_METHOD(StoreFixture, "a failed enrolment leaves the token unused",
                 "[unit][server_store]") {
    seed_registry();
    const auto token = branch_token();
    repo().create_token(token);
    const auto unused = [&] {
        CHECK_FALSE(repo().find_token(token.token_id)->used());
        CHECK(repo().list_devices().empty());
    };

    SECTION("unknown token") {
        require_error(ErrorCode::not_found, [&] {
            (void)repo().enrol_device("ffffffffffffffff", token.verifier, device_for(token), kT0);
        });
    }
    SECTION("wrong verifier") {
        require_error(ErrorCode::unauthenticated, [&] {
            (void)repo().enrol_device(token.token_id, verifier(0x11), device_for(token), kT0);
        });
        require_error(ErrorCode::unauthenticated, [&] {
            (void)repo().enrol_device(token.token_id, crypto::Bytes{}, device_for(token), kT0);
        });
    }
    SECTION("a device outside the token's scope") {
        auto device = device_for(token);
        device.site_ods = "VA1B3";
        require_error(ErrorCode::invalid_argument, [&] {
            (void)repo().enrol_device(token.token_id, token.verifier, device, kT0);
        });
        device = device_for(token);
        device.role = DeviceRole::headquarters;
        device.site_ods.clear();
        require_error(ErrorCode::invalid_argument, [&] {
            (void)repo().enrol_device(token.token_id, token.verifier, device, kT0);
        });
    }
    SECTION("a malformed device") {
        auto device = device_for(token);
        device.box_public_key.clear();
        require_error(ErrorCode::invalid_argument, [&] {
            (void)repo().enrol_device(token.token_id, token.verifier, device, kT0);
        });
    }
    unused();
}

TEST_CASE_METHOD(StoreFixture, "a device id is enrolled once", "[unit][server_store]") {
    seed_registry();
    const Device first = enrol(branch_token("token-1"));
    const auto second = branch_token("token-2");
    repo().create_token(second);
    auto device = device_for(second);
    device.id = first.id;
    require_error(ErrorCode::already_exists, [&] {
        (void)repo().enrol_device(second.token_id, second.verifier, device, kT0 + 5000);
    });
    CHECK_FALSE(repo().find_token("token-2")->used());
}

TEST_CASE_METHOD(StoreFixture, "concurrent enrolments with one token enrol exactly one device",
                 "[unit][server_store]") {
    seed_registry();
    const auto token = branch_token();
    repo().create_token(token);

    constexpr int kThreads = 4;
    std::atomic<int> enrolled{0};
    std::atomic<int> already_used{0};
    std::atomic<int> other_errors{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&, i] {
            const Device device = device_for(token, "PC " + std::to_string(i));
            while (!go.load()) {
                std::this_thread::yield();
            }
            try {
                (void)repo().enrol_device(token.token_id, token.verifier, device, kT0 + i);
                ++enrolled;
            } catch (const Error& e) {
                const std::string message = e.what();
                if (e.code() == ErrorCode::failed_precondition &&
                    message.find("already used") != std::string::npos) {
                    ++already_used;
                } else {
                    ++other_errors;
                }
            }
        });
    }
    go = true;
    for (auto& thread : threads) {
        thread.join();
    }
    CHECK(enrolled == 1);
    CHECK(already_used == kThreads - 1);
    CHECK(other_errors == 0);
    const auto devices = repo().list_devices();
    REQUIRE(devices.size() == 1);
    CHECK(repo().find_token(token.token_id)->used_by_device == devices[0].id);
}

TEST_CASE_METHOD(StoreFixture,
                 "two repositories on one file enrol exactly one device with one token",
                 "[unit][server_store]") {
    // As two server processes would: separate writer connections, arbitrated by SQLite's
    // lock on BEGIN IMMEDIATE.
    seed_registry();
    const auto token = branch_token();
    repo().create_token(token);
    const auto second = open();

    std::atomic<int> enrolled{0};
    std::atomic<int> refused{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
        Repository& target = i % 2 == 0 ? static_cast<Repository&>(repo()) : *second;
        threads.emplace_back([&, i] {
            try {
                (void)target.enrol_device(token.token_id, token.verifier, device_for(token),
                                          kT0 + i);
                ++enrolled;
            } catch (const Error& e) {
                if (e.code() == ErrorCode::failed_precondition) {
                    ++refused;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    CHECK(enrolled == 1);
    CHECK(refused == 3);
    CHECK(repo().list_devices().size() == 1);
    CHECK(second->list_devices().size() == 1);
}

TEST_CASE_METHOD(StoreFixture, "a revoked device shows when it was revoked",
                 "[unit][server_store]") {
    seed_registry();
    const Device device = enrol(branch_token());
    repo().revoke_device(device.id, kT0 + 9000);

    const auto revoked = repo().find_device(device.id);
    REQUIRE(revoked);
    CHECK(revoked->revoked());
    CHECK(revoked->revoked_at_ms == kT0 + 9000);
    CHECK(repo().list_devices()[0].revoked_at_ms == kT0 + 9000);

    const auto message = require_error(ErrorCode::failed_precondition,
                                       [&] { repo().revoke_device(device.id, kT0 + 9500); });
    CHECK_THAT(message, Catch::Contains("already revoked"));
    CHECK(repo().find_device(device.id)->revoked_at_ms == kT0 + 9000);

    require_error(ErrorCode::not_found,
                  [&] { repo().revoke_device("00000000-0000-4000-8000-000000000000", kT0); });
    require_error(ErrorCode::invalid_argument, [&] { repo().revoke_device("nope", kT0); });
}

TEST_CASE_METHOD(StoreFixture, "devices of every role are listed in order of enrolment",
                 "[unit][server_store]") {
    seed_registry();
    const Partner partner = repo().create_partner("Better Security Partners", kT0);
    auto hq = branch_token("hq");
    hq.role = DeviceRole::headquarters;
    hq.site_ods.clear();
    auto partner_token = branch_token("partner");
    partner_token.role = DeviceRole::partner;
    partner_token.organisation_ods.clear();
    partner_token.site_ods.clear();
    partner_token.partner_id = partner.id;

    repo().create_token(hq);
    repo().create_token(partner_token);
    const Device hq_device = repo().enrol_device("hq", hq.verifier, device_for(hq), kT0 + 1);
    const Device partner_device =
        repo().enrol_device("partner", partner_token.verifier, device_for(partner_token), kT0 + 2);
    CHECK(repo().list_devices() == std::vector<Device>{hq_device, partner_device});
    CHECK(repo().find_device(partner_device.id)->partner_id == partner.id);
    CHECK(repo().find_device(partner_device.id)->organisation_ods.empty());
    CHECK(repo().find_device(hq_device.id)->site_ods.empty());
}

TEST_CASE_METHOD(StoreFixture, "only the first recovery envelope is kept", "[unit][server_store]") {
    seed_registry();
    CHECK_FALSE(repo().find_recovery_envelope("AB12"));
    const crypto::Bytes sealed(72, 0x42);
    const std::string device = "0f8e2c4a-1b3d-4e5f-8a9b-0c1d2e3f4a5b";
    repo().put_recovery_envelope("AB12", sealed, device, kT0 + 3);
    CHECK(repo().find_recovery_envelope("AB12") ==
          RecoveryEnvelope{"AB12", sealed, device, kT0 + 3});

    require_error(ErrorCode::already_exists, [&] {
        repo().put_recovery_envelope("AB12", crypto::Bytes(72, 0x43), device, kT0 + 4);
    });
    CHECK(repo().find_recovery_envelope("AB12")->sealed == sealed);
    CHECK_FALSE(repo().find_recovery_envelope("VC9D8"));

    require_error(ErrorCode::not_found,
                  [&] { repo().put_recovery_envelope("ZZ99", sealed, device, kT0); });
    require_error(ErrorCode::invalid_argument,
                  [&] { repo().put_recovery_envelope("VC9D8", crypto::Bytes{}, device, kT0); });
}

}  // namespace dspt::server::store::test

namespace dspt::server::store::test {

TEST_CASE_METHOD(StoreFixture, "revoking a device cancels the codes it made and nobody used",
                 "[unit][server_store]") {
    seed_registry();
    const Device inviter = enrol(branch_token("1111111111111111"));
    auto made = [&](std::string id) {
        auto token = branch_token(std::move(id));
        token.created_by = inviter.id;
        repo().create_token(token);
        return token;
    };
    const auto used = made("2222222222222222");
    const Device invited =
        repo().enrol_device(used.token_id, used.verifier, device_for(used), kT0 + 1500);
    const auto unused = made("3333333333333333");
    const auto by_operator = branch_token("4444444444444444");
    repo().create_token(by_operator);
    CHECK(repo().usable_tokens("AB12", inviter.id, kT0 + 2000).size() == 1);
    CHECK(repo().usable_tokens("", "", kT0 + 2000).size() == 2);

    repo().revoke_device(inviter.id, kT0 + 3000);

    CHECK(repo().find_token(unused.token_id)->voided_at_ms == kT0 + 3000);
    CHECK_FALSE(repo().find_token(used.token_id)->voided());  // spent: history, not cancelled
    CHECK_FALSE(repo().find_token(by_operator.token_id)->voided());
    CHECK_FALSE(repo().find_device(invited.id)->revoked());  // those it invited stay
    const auto message = require_error(ErrorCode::failed_precondition, [&] {
        (void)repo().enrol_device(unused.token_id, unused.verifier, device_for(unused), kT0 + 4000);
    });
    CHECK_THAT(message, Catch::Contains("cancelled"));
    const auto usable = repo().usable_tokens("", "", kT0 + 4000);
    REQUIRE(usable.size() == 1);
    CHECK(usable[0].token_id == by_operator.token_id);
}

TEST_CASE_METHOD(StoreFixture, "a code whose maker was revoked does not enrol, even if not voided",
                 "[unit][server_store]") {
    seed_registry();
    const Device inviter = enrol(branch_token("1111111111111111"));
    repo().revoke_device(inviter.id, kT0 + 2000);
    // A code recorded afterwards with the revoked device as maker (as one made
    // before the cancellation existed could be).
    auto late = branch_token("5555555555555555");
    late.created_by = inviter.id;
    repo().create_token(late);
    const auto message = require_error(ErrorCode::failed_precondition, [&] {
        (void)repo().enrol_device(late.token_id, late.verifier, device_for(late), kT0 + 3000);
    });
    CHECK_THAT(message, Catch::Contains("was revoked"));
    CHECK_FALSE(repo().find_token(late.token_id)->used());
}

TEST_CASE_METHOD(StoreFixture, "a code is cancelled by its maker or the operator, once",
                 "[unit][server_store]") {
    seed_registry();
    const Device maker = enrol(branch_token("1111111111111111"));
    auto token = branch_token("6666666666666666");
    token.created_by = maker.id;
    repo().create_token(token);

    // Another device: as if the code did not exist.
    CHECK_THAT(require_error(ErrorCode::not_found,
                             [&] { repo().void_token(token.token_id, "someone-else", kT0 + 10); }),
               Catch::Contains("no enrolment code"));
    CHECK_FALSE(repo().find_token(token.token_id)->voided());

    const auto voided = repo().void_token(token.token_id, maker.id, kT0 + 20);
    CHECK(voided.voided_at_ms == kT0 + 20);
    CHECK(repo().find_token(token.token_id)->voided_at_ms == kT0 + 20);
    CHECK_THAT(require_error(ErrorCode::failed_precondition,
                             [&] { repo().void_token(token.token_id, "", kT0 + 30); }),
               Catch::Contains("already cancelled"));
    CHECK(repo().usable_tokens("", maker.id, kT0 + 40).empty());

    // A used code is history: it cannot be cancelled.
    CHECK_THAT(require_error(ErrorCode::failed_precondition,
                             [&] { repo().void_token("1111111111111111", "", kT0 + 50); }),
               Catch::Contains("already used"));
    require_error(ErrorCode::not_found, [&] { repo().void_token("7777777777777777", "", kT0); });
}

TEST_CASE_METHOD(StoreFixture, "usable_tokens leaves out used, cancelled and expired codes",
                 "[unit][server_store]") {
    seed_registry();
    auto first = branch_token("aaaaaaaaaaaaaaaa");
    auto second = branch_token("bbbbbbbbbbbbbbbb");
    second.created_at_ms = kT0 + 5;
    second.expires_at_ms = kT0 + 100;
    repo().create_token(first);
    repo().create_token(second);
    const auto at_start = repo().usable_tokens("AB12", "admin", kT0 + 50);
    REQUIRE(at_start.size() == 2);
    CHECK(at_start[0].token_id == first.token_id);                        // oldest first
    CHECK(repo().usable_tokens("AB12", "admin", kT0 + 100).size() == 2);  // up to its expiry
    CHECK(repo().usable_tokens("AB12", "admin", kT0 + 101).size() == 1);
    CHECK(repo().usable_tokens("VC9D8", "", kT0).empty());
    CHECK(repo().usable_tokens("", "another", kT0).empty());
}

}  // namespace dspt::server::store::test
