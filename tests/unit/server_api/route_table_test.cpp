// api::path_segments, match_path and find_route: how a /v1/ path finds its handler.

#include "server/api/route_table.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "common/form_encoding.hpp"
#include "tests/support/errors.hpp"

namespace dspt::server::api::test {

using dspt::test::require_error;

namespace {

using Segments = std::vector<std::string>;

// Entries whose handler is a number, to see which one matched.
constexpr std::array<Route<int>, 6> kTableRoutes{{
    {"GET", "/v1/whoami", 1},
    {"GET", "/v1/orgs/<ods>", 2},
    {"GET", "/v1/orgs/<ods>/grants", 3},
    {"POST", "/v1/orgs/<ods>/grants", 4},
    {"DELETE", "/v1/orgs/<ods>/grants/<partner>", 5},
    {"GET", "/v1/orgs/<ods>/<what>", 6},
}};

std::optional<RouteMatch<int>> lookup_route(std::string_view method, std::string_view path) {
    return find_route<int>(kTableRoutes, method, path_segments(path));
}

}  // namespace

TEST_CASE("path_segments percent-decodes each segment, keeping empty ones", "[unit][server_api]") {
    CHECK(path_segments("/v1/whoami") == Segments{"v1", "whoami"});
    CHECK(path_segments("/v1/orgs/A%20B/grants") == Segments{"v1", "orgs", "A B", "grants"});
    CHECK(path_segments("/v1/") == Segments{"v1", ""});
    CHECK(path_segments("/v1/a//b") == Segments{"v1", "a", "", "b"});
    // An escaped '/' stays inside its segment; '+' is not a space in a path.
    CHECK(path_segments("/v1/a%2Fb+c") == Segments{"v1", "a/b+c"});
    CHECK(require_error(ErrorCode::invalid_argument, [] { path_segments("/v1/VA%4"); }) != "");
}

TEST_CASE("match_path captures the <name> segments", "[unit][server_api]") {
    const auto captures = match_path("/v1/orgs/<ods>/grants/<partner>",
                                     Segments{"v1", "orgs", "AB12", "grants", "Care Support Ltd"});
    REQUIRE(captures.has_value());
    CHECK(captures->size() == 2);
    CHECK((*captures)["ods"] == "AB12");
    CHECK((*captures)["partner"] == "Care Support Ltd");
    CHECK(require_error(ErrorCode::internal, [&] { (void)(*captures)["year"]; }) ==
          "the route has no path segment <year>");

    const auto literal = match_path("/v1/whoami", Segments{"v1", "whoami"});
    REQUIRE(literal.has_value());
    CHECK(literal->size() == 0);

    // An empty segment is captured as it is.
    const auto empty = match_path("/v1/orgs/<ods>", Segments{"v1", "orgs", ""});
    REQUIRE(empty.has_value());
    CHECK((*empty)["ods"].empty());
}

TEST_CASE("match_path wants every segment, no more and no fewer", "[unit][server_api]") {
    CHECK_FALSE(match_path("/v1/whoami", Segments{"v1", "whoami", "extra"}));
    CHECK_FALSE(match_path("/v1/whoami", Segments{"v1", "whoami", ""}));  // trailing '/'
    CHECK_FALSE(match_path("/v1/whoami", Segments{"v1"}));
    CHECK_FALSE(match_path("/v1/orgs/<ods>/grants", Segments{"v1", "orgs", "AB12"}));
    CHECK_FALSE(match_path("/v1/orgs/<ods>/grants", Segments{"v1", "orgs", "AB12", "grant"}));
    CHECK_FALSE(match_path("/v1/whoami", Segments{"v1", "WHOAMI"}));
    CHECK_FALSE(match_path("/v1/whoami", Segments{"v2", "whoami"}));
}

TEST_CASE("find_route matches the method and the decoded path", "[unit][server_api]") {
    const auto grants = lookup_route("POST", "/v1/orgs/AB12/grants");
    REQUIRE(grants.has_value());
    CHECK(grants->route->handler == 4);
    CHECK(grants->route->name() == "POST /v1/orgs/<ods>/grants");
    CHECK(grants->captures["ods"] == "AB12");

    const auto revoke = lookup_route("DELETE", "/v1/orgs/AB12/grants/Care%20Support%20Ltd");
    REQUIRE(revoke.has_value());
    CHECK(revoke->route->handler == 5);
    CHECK(revoke->route->name() == "DELETE /v1/orgs/<ods>/grants/<partner>");
    CHECK(revoke->captures["partner"] == "Care Support Ltd");

    // A literal segment is compared once decoded, as the router always has.
    const auto escaped = lookup_route("GET", "/v1/%77hoami");
    REQUIRE(escaped.has_value());
    CHECK(escaped->route->handler == 1);
}

TEST_CASE("find_route takes the first entry that matches", "[unit][server_api]") {
    const auto grants = lookup_route("GET", "/v1/orgs/AB12/grants");
    REQUIRE(grants.has_value());
    CHECK(grants->route->handler == 3);

    const auto other = lookup_route("GET", "/v1/orgs/AB12/progress");
    REQUIRE(other.has_value());
    CHECK(other->route->handler == 6);
    CHECK(other->captures["what"] == "progress");
}

TEST_CASE("find_route finds nothing for an unknown path or another method", "[unit][server_api]") {
    CHECK_FALSE(lookup_route("GET", "/v1/unknown"));
    CHECK_FALSE(lookup_route("GET", "/v1/"));
    CHECK_FALSE(lookup_route("GET", "/v1/whoami/"));
    CHECK_FALSE(lookup_route("GET", "/v1/orgs/AB12/grants/partner/extra"));
    // A known path under a method the table does not give it.
    CHECK_FALSE(lookup_route("DELETE", "/v1/whoami"));
    CHECK_FALSE(lookup_route("PUT", "/v1/orgs/AB12/grants"));
    CHECK_FALSE(lookup_route("get", "/v1/whoami"));
}

}  // namespace dspt::server::api::test
