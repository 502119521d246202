// api::Router when something fails inside the server: the client gets a 500 without the
// details, and the response carries them in Response::error for the access log.

#include <memory>
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "server/api/router.hpp"
#include "server/context.hpp"
#include "server/store/sqlite_repository.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/server_auth/auth_fixture.hpp"

namespace dspt::server::api::test {

namespace {

enum class ClockFault { none, runtime_error, database, database_busy };

// A Context whose clock fails as `fault` says; every route that reads the time fails.
class FaultyClockFixture {
  public:
    http::Response handle(const std::string& method, const std::string& target) {
        return router.handle(auth::test::plain_request(method, target));
    }

    ClockFault fault = ClockFault::none;

  private:
    dspt::test::TempDir dir_;

  public:
    Context context{std::make_unique<store::SqliteRepository>(dir_.path() / "data"),
                    auth::AuthConfig{}, [this]() -> std::int64_t {
                        switch (fault) {
                            case ClockFault::none:
                                break;
                            case ClockFault::runtime_error:
                                throw std::runtime_error("the clock stopped");
                            case ClockFault::database:
                                fail(ErrorCode::database, "disk I/O error");
                            case ClockFault::database_busy:
                                fail(ErrorCode::database_busy, "the database is busy");
                        }
                        return store::test::kT0;
                    }};
    Router router{context};
};

std::string message_in(const http::Response& response) {
    return nlohmann::json::parse(response.body).at("message").get<std::string>();
}

}  // namespace

TEST_CASE_METHOD(FaultyClockFixture, "a request that succeeds carries no error for the log",
                 "[unit][server_api]") {
    const auto response = handle("GET", "/api/v1/organisations");
    CHECK(response.status == 200);
    CHECK(response.error.empty());

    const auto refused = handle("GET", "/v1/whoami");
    CHECK(refused.status == 401);
    CHECK(refused.error.empty());  // a refusal is no fault of the server's
}

TEST_CASE_METHOD(FaultyClockFixture, "an exception in a handler is a 500 with its message logged",
                 "[unit][server_api]") {
    fault = ClockFault::runtime_error;
    const auto response = handle("GET", "/api/v1/organisations");
    CHECK(response.status == 500);
    CHECK(message_in(response) == "internal server error");
    CHECK(response.error == "the clock stopped");
    CHECK(response.route == "GET /api/v1/organisations");
}

TEST_CASE_METHOD(FaultyClockFixture, "a server fault is a 500 with its message logged",
                 "[unit][server_api]") {
    fault = ClockFault::database;
    const auto api = handle("GET", "/api/v1/organisations");
    CHECK(api.status == 500);
    CHECK(message_in(api) == "internal server error");
    CHECK(api.error == "disk I/O error");

    // The browser pages answer HTML, and log the same way.
    const auto page = handle("GET", "/web/");
    CHECK(page.status == 500);
    CHECK(page.body.find("disk I/O error") == std::string::npos);
    CHECK(page.error == "disk I/O error");
    CHECK(page.route == "GET /web/");
}

TEST_CASE_METHOD(FaultyClockFixture, "a busy database is 503 and no fault to log",
                 "[unit][server_api]") {
    fault = ClockFault::database_busy;
    const auto response = handle("GET", "/api/v1/organisations");
    CHECK(response.status == 503);
    CHECK(response.error.empty());
}

}  // namespace dspt::server::api::test
