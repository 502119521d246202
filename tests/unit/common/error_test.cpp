#include "common/error.hpp"

#include <catch2/catch.hpp>

using namespace dspt;

TEST_CASE("Error carries its code and message", "[unit][common]") {
    const Error e(ErrorCode::wrong_passphrase, "the passphrase does not open this store");
    CHECK(e.code() == ErrorCode::wrong_passphrase);
    CHECK(std::string(e.what()) == "the passphrase does not open this store");
    CHECK(to_string(ErrorCode::schema_too_new) == "schema_too_new");
}
