#include "common/error.hpp"

#include <catch2/catch.hpp>

using namespace dspt;

namespace {

Result<int> parse_positive(int value) {
    return capture([&] {
        if (value <= 0) {
            fail(ErrorCode::invalid_argument, "not positive: " + std::to_string(value));
        }
        return value;
    });
}

}  // namespace

TEST_CASE("Error carries its code and message", "[unit][common]") {
    const Error e(ErrorCode::wrong_passphrase, "the passphrase does not open this store");
    CHECK(e.code() == ErrorCode::wrong_passphrase);
    CHECK(std::string(e.what()) == "the passphrase does not open this store");
    CHECK(to_string(ErrorCode::schema_too_new) == "schema_too_new");
}

TEST_CASE("Result holds a value or the error thrown inside the layer", "[unit][common]") {
    const auto good = parse_positive(3);
    REQUIRE(good.ok());
    CHECK(good.value() == 3);

    const auto bad = parse_positive(-1);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code() == ErrorCode::invalid_argument);
    CHECK(std::string(bad.error().what()) == "not positive: -1");
    CHECK_THROWS_AS(bad.value(), Error);

    const auto unexpected = capture([]() -> int { throw std::runtime_error("boom"); });
    CHECK(unexpected.error().code() == ErrorCode::internal);

    const Result<void> done = capture([] {});
    CHECK(done.ok());
    const Result<void> failed = capture([] { fail(ErrorCode::io, "disk full"); });
    CHECK(failed.error().code() == ErrorCode::io);
    CHECK_THROWS_AS(failed.value(), Error);
}
