// Signing a browser in through the Context's WebSignIn: a link from a device
// opens a session that acts as that device, until it expires, signs out, or the
// device is revoked.

#include "server/web/web_sign_in.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>

#include <catch2/catch.hpp>

#include "tests/unit/server_auth/auth_fixture.hpp"

namespace dspt::server::web::test {

namespace {

using auth::test::AuthFixture;
using store::LinkOutcome;

// Whether `text` appears in any file of the directory (the store and its WAL).
bool stored_anywhere(const std::filesystem::path& dir, const std::string& text) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file()) {
            continue;
        }
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
        if (bytes.find(text) != std::string::npos) {
            return true;
        }
    }
    return false;
}

}  // namespace

TEST_CASE_METHOD(AuthFixture, "a login link signs a browser in as its device, once",
                 "[unit][web]") {
    const auto branch = enrol_branch("VA1B2");
    const auto& sign_in = context.web_sign_in;
    const auto link = sign_in.issue(branch.device, "2026-27", now);
    CHECK(link.secret.size() == 43);
    CHECK(link.expires_at_ms == now + kLoginLinkLifetimeMs);

    const auto opened = sign_in.open(link.secret, now + 1000);
    REQUIRE(opened.outcome == LinkOutcome::opened);
    CHECK(opened.session_id.size() == 43);
    CHECK(opened.session_id != link.secret);

    const auto who = sign_in.signed_in(opened.session_id, now + 2000);
    CHECK(who.device.id == branch.device.id);
    CHECK(who.device.site_ods == "VA1B2");
    CHECK(who.session.year == "2026-27");

    const auto again = sign_in.open(link.secret, now + 3000);
    CHECK(again.outcome == LinkOutcome::used);
    CHECK(again.session_id.empty());
}

TEST_CASE_METHOD(AuthFixture, "the store keeps neither a link's secret nor a session's id",
                 "[unit][web]") {
    const auto hq = enrol_headquarters();
    const auto link = context.web_sign_in.issue(hq.device, "2026-27", now);
    const auto opened = context.web_sign_in.open(link.secret, now);
    REQUIRE(opened.outcome == LinkOutcome::opened);
    const auto data =
        dynamic_cast<store::SqliteRepository&>(*context.repository).path().parent_path();
    CHECK_FALSE(stored_anywhere(data, link.secret));
    CHECK_FALSE(stored_anywhere(data, opened.session_id));
}

TEST_CASE_METHOD(AuthFixture, "a link expires after five minutes", "[unit][web]") {
    const auto hq = enrol_headquarters();
    const auto late = context.web_sign_in.issue(hq.device, "2026-27", now);
    CHECK(context.web_sign_in.open(late.secret, now + kLoginLinkLifetimeMs + 1).outcome ==
          LinkOutcome::expired);
    const auto in_time = context.web_sign_in.issue(hq.device, "2026-27", now);
    CHECK(context.web_sign_in.open(in_time.secret, now + kLoginLinkLifetimeMs).outcome ==
          LinkOutcome::opened);
}

TEST_CASE_METHOD(AuthFixture, "anything but an issued secret opens nothing", "[unit][web]") {
    CHECK(context.web_sign_in.open("", now).outcome == LinkOutcome::unknown);
    CHECK(context.web_sign_in.open("not-a-secret", now).outcome == LinkOutcome::unknown);
    CHECK(context.web_sign_in.open(std::string(5000, 'a'), now).outcome == LinkOutcome::unknown);
    store::test::require_error(ErrorCode::invalid_argument, [&] {
        (void)context.web_sign_in.issue(enrol_headquarters().device, "2026", now);
    });
}

TEST_CASE_METHOD(AuthFixture, "a session ends when it expires, signs out or its device goes",
                 "[unit][web]") {
    const auto partner = enrol_partner();
    const auto& sign_in = context.web_sign_in;
    const auto open_one = [&] {
        const auto opened = sign_in.open(sign_in.issue(partner.device, "2026-27", now).secret, now);
        REQUIRE(opened.outcome == LinkOutcome::opened);
        return opened.session_id;
    };

    const auto expiring = open_one();
    CHECK_NOTHROW(sign_in.signed_in(expiring, now + kWebSessionLifetimeMs));
    store::test::require_error(ErrorCode::unauthenticated, [&] {
        (void)sign_in.signed_in(expiring, now + kWebSessionLifetimeMs + 1);
    });

    const auto leaving = open_one();
    CHECK(sign_in.sign_out(leaving, now + 10));
    CHECK_FALSE(sign_in.sign_out(leaving, now + 11));
    store::test::require_error(ErrorCode::unauthenticated,
                               [&] { (void)sign_in.signed_in(leaving, now + 12); });

    store::test::require_error(ErrorCode::unauthenticated,
                               [&] { (void)sign_in.signed_in("made-up", now); });
    store::test::require_error(ErrorCode::unauthenticated,
                               [&] { (void)sign_in.signed_in("", now); });

    const auto kept = open_one();
    const auto unopened = sign_in.issue(partner.device, "2026-27", now);
    repo().revoke_device(partner.device.id, now + 20);
    const auto message = store::test::require_error(
        ErrorCode::unauthenticated, [&] { (void)sign_in.signed_in(kept, now + 30); });
    CHECK_THAT(message, Catch::Contains("revoked"));
    CHECK(sign_in.open(unopened.secret, now + 30).outcome == LinkOutcome::device_revoked);
}

}  // namespace dspt::server::web::test
