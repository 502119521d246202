// api::http_status_for and api::error_response: the one mapping of an error to
// the HTTP answer a client sees.

#include "server/api/error_response.hpp"

#include <string>
#include <utility>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace dspt::server::api::test {

TEST_CASE("each error code maps to its HTTP status", "[unit][server_auth]") {
    const auto [code, status] = GENERATE(table<ErrorCode, int>({
        {ErrorCode::invalid_argument, 400},
        {ErrorCode::protocol, 400},
        {ErrorCode::malformed_pack, 400},
        {ErrorCode::unauthenticated, 401},
        {ErrorCode::wrong_passphrase, 401},
        {ErrorCode::forbidden, 403},
        {ErrorCode::not_found, 404},
        {ErrorCode::already_exists, 409},
        {ErrorCode::conflict, 409},
        {ErrorCode::failed_precondition, 409},
        {ErrorCode::limit_exceeded, 413},
        {ErrorCode::database_busy, 503},
        {ErrorCode::unavailable, 503},
        {ErrorCode::timeout, 504},
        {ErrorCode::io, 500},
        {ErrorCode::database, 500},
        {ErrorCode::schema_too_new, 500},
        {ErrorCode::corrupt, 500},
        {ErrorCode::authentication_failed, 500},
        {ErrorCode::crypto, 500},
        {ErrorCode::network, 500},
        {ErrorCode::internal, 500},
    }));
    INFO("code " << to_string(code));
    CHECK(http_status_for(code) == status);
}

TEST_CASE("a value outside the error codes is an internal error", "[unit][server_auth]") {
    CHECK(http_status_for(static_cast<ErrorCode>(0)) == 500);
    CHECK(http_status_for(static_cast<ErrorCode>(999)) == 500);
}

TEST_CASE("an error answer is JSON naming the code and the message", "[unit][server_auth]") {
    const auto [code, status] = GENERATE(table<ErrorCode, int>({
        {ErrorCode::unauthenticated, 401},
        {ErrorCode::forbidden, 403},
        {ErrorCode::not_found, 404},
        {ErrorCode::invalid_argument, 400},
        {ErrorCode::already_exists, 409},
        {ErrorCode::limit_exceeded, 413},
        {ErrorCode::unavailable, 503},
        {ErrorCode::timeout, 504},
    }));
    const std::string message = "device 1234 has been revoked \"quoted\" \xc3\xa9";
    const auto response = error_response(Error(code, message));

    CHECK(response.status == status);
    CHECK(response.content_type == "application/json");
    const auto body = nlohmann::json::parse(response.body);
    CHECK(body.size() == 2);
    CHECK(body.at("error").get<std::string>() == std::string(to_string(code)));
    CHECK(body.at("message").get<std::string>() == message);
}

TEST_CASE("a server fault's details stay out of the answer", "[unit][server_auth]") {
    const auto code = GENERATE(ErrorCode::internal, ErrorCode::database, ErrorCode::io,
                               ErrorCode::corrupt, ErrorCode::crypto);
    INFO("code " << to_string(code));
    const auto response = error_response(Error(code, "SQLITE_CORRUPT in /srv/dspt/server.db"));

    CHECK(response.status == 500);
    CHECK(response.content_type == "application/json");
    CHECK(response.body.find("/srv/dspt") == std::string::npos);
    const auto body = nlohmann::json::parse(response.body);
    CHECK(body.at("error").get<std::string>() == std::string(to_string(code)));
    CHECK(body.at("message").get<std::string>() == "internal server error");
}

TEST_CASE("the error names are the stable snake_case ones clients read", "[unit][server_auth]") {
    const auto check = [](ErrorCode code, const char* name) {
        const auto body = nlohmann::json::parse(error_response(Error(code, "m")).body);
        CHECK(body.at("error").get<std::string>() == name);
    };
    check(ErrorCode::unauthenticated, "unauthenticated");
    check(ErrorCode::forbidden, "forbidden");
    check(ErrorCode::not_found, "not_found");
    check(ErrorCode::invalid_argument, "invalid_argument");
    check(ErrorCode::failed_precondition, "failed_precondition");
    check(ErrorCode::already_exists, "already_exists");
    check(ErrorCode::limit_exceeded, "limit_exceeded");
}

TEST_CASE("an error message quoting bytes that are not UTF-8 still gets its answer",
          "[unit][server_auth]") {
    const auto response =
        error_response(Error(ErrorCode::not_found, "there is no partner named \"\xff\xfe\""));
    CHECK(response.status == 404);
    const auto body = nlohmann::json::parse(response.body);
    CHECK(body["error"] == "not_found");
    CHECK_THAT(body["message"].get<std::string>(), Catch::StartsWith("there is no partner named"));
}

}  // namespace dspt::server::api::test
