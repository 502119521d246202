#include "server/store/model.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "store_fixture.hpp"

namespace dspt::server::store::test {

TEST_CASE("ODS codes are 3 to 10 upper-case letters and digits", "[unit][server_store]") {
    for (const char* good : {"AB12", "VA1B2", "C1X", "ABCDEFGHIJ", "8A123"}) {
        INFO(good);
        CHECK(is_valid_ods_code(good));
        CHECK_NOTHROW(validate_ods_code(good));
    }
    for (const char* bad : {"", "AB", "ab12", "AB-12", "AB 12", "ABCDEFGHIJK", "VA1B2\n"}) {
        INFO(bad);
        CHECK_FALSE(is_valid_ods_code(bad));
    }
    const auto message = require_error(ErrorCode::invalid_argument,
                                       [] { validate_ods_code("ab12", "site ODS code"); });
    CHECK_THAT(message, Catch::Contains("site ODS code \"ab12\" is not valid"));
    CHECK_THAT(message, Catch::Contains("upper-case letters and digits"));
}

TEST_CASE("CQC location ids are 1- and 6 to 12 digits", "[unit][server_store]") {
    for (const char* good : {"1-123456789", "1-000000001", "1-123456", "1-123456789012"}) {
        INFO(good);
        CHECK(is_valid_cqc_location_id(good));
    }
    for (const char* bad : {"", "1-", "1-12345", "1-1234567890123", "2-123456789", "1123456789",
                            "1-12345678a", "VA1B2"}) {
        INFO(bad);
        CHECK_FALSE(is_valid_cqc_location_id(bad));
    }
    const auto message =
        require_error(ErrorCode::invalid_argument, [] { validate_cqc_location_id("VA1B2"); });
    CHECK_THAT(message, Catch::Contains("CQC location id \"VA1B2\""));
}

TEST_CASE("a bad value is shown shortened and printable in messages", "[unit][server_store]") {
    const std::string hostile = "AB\n12" + std::string(100, 'X');
    const auto message = require_error(
        ErrorCode::invalid_argument, [&] { validate_ods_code(hostile, "organisation ODS code"); });
    CHECK(message.find('\n') == std::string::npos);
    CHECK_THAT(message, Catch::Contains("\"AB?12"));
    CHECK_THAT(message, Catch::Contains("...\""));
}

TEST_CASE("names must be non-empty, short and free of control characters", "[unit][server_store]") {
    CHECK_NOTHROW(validate_name("Rose Lodge", "site name"));
    CHECK_NOTHROW(validate_name("", "device name", true));
    CHECK_THAT(require_error(ErrorCode::invalid_argument, [] { validate_name("", "site name"); }),
               Catch::Contains("site name must not be empty"));
    require_error(ErrorCode::invalid_argument,
                  [] { validate_name(std::string(kMaxNameBytes + 1, 'a'), "site name"); });
    require_error(ErrorCode::invalid_argument, [] { validate_name("Rose\tLodge", "site name"); });
    require_error(ErrorCode::invalid_argument, [] { validate_name(" Rose", "site name"); });
}

TEST_CASE("device roles round-trip through their names", "[unit][server_store]") {
    for (const DeviceRole role :
         {DeviceRole::branch, DeviceRole::headquarters, DeviceRole::partner}) {
        CHECK(parse_device_role(to_string(role)) == role);
    }
    require_error(ErrorCode::invalid_argument, [] { (void)parse_device_role("Branch"); });
}

TEST_CASE("a device's fields must match its role", "[unit][server_store]") {
    const auto token = StoreFixture::branch_token();
    Device device = StoreFixture::device_for(token);
    CHECK_NOTHROW(validate_device(device));

    SECTION("a branch device needs a site") {
        device.site_ods.clear();
        require_error(ErrorCode::invalid_argument, [&] { validate_device(device); });
    }
    SECTION("a headquarters device has no site") {
        device.role = DeviceRole::headquarters;
        require_error(ErrorCode::invalid_argument, [&] { validate_device(device); });
        device.site_ods.clear();
        CHECK_NOTHROW(validate_device(device));
    }
    SECTION("a partner device has a partner and no organisation") {
        device.role = DeviceRole::partner;
        require_error(ErrorCode::invalid_argument, [&] { validate_device(device); });
        device.organisation_ods.clear();
        device.site_ods.clear();
        require_error(ErrorCode::invalid_argument, [&] { validate_device(device); });
        device.partner_id = 1;
        CHECK_NOTHROW(validate_device(device));
    }
    SECTION("only partner devices have a partner id") {
        device.partner_id = 1;
        require_error(ErrorCode::invalid_argument, [&] { validate_device(device); });
    }
    SECTION("keys are 32 bytes") {
        device.signing_public_key.pop_back();
        require_error(ErrorCode::invalid_argument, [&] { validate_device(device); });
    }
    SECTION("ids are lower-case UUIDs") {
        device.id = "0F8E2C4A-1B3D-4E5F-8A9B-0C1D2E3F4A5B";
        require_error(ErrorCode::invalid_argument, [&] { validate_device(device); });
    }
}

TEST_CASE("a new token must be well formed", "[unit][server_store]") {
    auto token = StoreFixture::branch_token();
    CHECK_NOTHROW(validate_new_token(token));

    SECTION("id") {
        token.token_id = "has space";
        require_error(ErrorCode::invalid_argument, [&] { validate_new_token(token); });
    }
    SECTION("verifier") {
        token.verifier.clear();
        require_error(ErrorCode::invalid_argument, [&] { validate_new_token(token); });
    }
    SECTION("expiry after creation") {
        token.expires_at_ms = token.created_at_ms;
        require_error(ErrorCode::invalid_argument, [&] { validate_new_token(token); });
    }
    SECTION("not already used") {
        token.used_at_ms = kT0;
        require_error(ErrorCode::invalid_argument, [&] { validate_new_token(token); });
    }
    SECTION("created by someone") {
        token.created_by.clear();
        require_error(ErrorCode::invalid_argument, [&] { validate_new_token(token); });
    }
}

}  // namespace dspt::server::store::test
