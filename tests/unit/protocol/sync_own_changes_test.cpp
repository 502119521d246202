// References to a device's own changes in a sync exchange's page
// (protocol/sync_own_changes.hpp): the server refers only to registers the client
// can put back exactly, and the client refuses a reference it cannot.

#include "protocol/sync_own_changes.hpp"

#include <catch2/catch.hpp>

#include "protocol/codec.hpp"
#include "tests/unit/protocol/protocol_test_support.hpp"

using namespace dspt::protocol;
using dspt::ErrorCode;
using dspt::protocol::test::require_error;

namespace {

ChangeEntry own_entry(std::int64_t seq, const std::string& item, const std::string& value) {
    return {"replica-1",
            seq,
            static_cast<std::uint64_t>(1000 + seq),
            "VA1B2",
            "2025-26/answer/" + item,
            {},
            R"({"value":")" + value + "\"}",
            "Registered manager"};
}

PushResult accepted(std::int64_t seq, std::int64_t version) {
    return {seq, PushOutcome::accepted, version, ""};
}

// An exchange of three entries (the first two of one register) and a page holding the
// two registers as they landed, between changes of another device.
struct Exchange {
    SyncRequest request;
    SyncResponse response;

    Exchange() {
        request.entries = {own_entry(7, "1.1.1", "first"), own_entry(8, "1.1.1", "second"),
                           own_entry(9, "1.1.2", "other")};
        response.push.results = {accepted(7, 40), accepted(8, 41), accepted(9, 43)};
        RegisterState theirs;
        theirs.scope = "VA1B2";
        theirs.register_key = "2025-26/answer/3.1.1";
        theirs.version = 42;
        theirs.shown = {42, "replica-2", 3, 5000, R"({"value":"theirs"})", "Someone else"};
        response.page.registers = {own_change_state(request.entries[1], response.push.results[1]),
                                   theirs,
                                   own_change_state(request.entries[2], response.push.results[2])};
        response.page.next_cursor = 43;
    }
};

}  // namespace

TEST_CASE("the query parameter own=seq asks for references, alone or among others",
          "[unit][protocol]") {
    CHECK(asks_own_changes_by_seq("own=seq"));
    CHECK(asks_own_changes_by_seq("own=seq&session_key=abc"));
    CHECK(asks_own_changes_by_seq("session_key=abc&own=seq"));
    CHECK_FALSE(asks_own_changes_by_seq(""));
    CHECK_FALSE(asks_own_changes_by_seq("own=all"));
    CHECK_FALSE(asks_own_changes_by_seq("own"));
    CHECK_FALSE(asks_own_changes_by_seq("owner=seq"));
    CHECK_FALSE(asks_own_changes_by_seq("own=seqs"));

    // A reference has no register key and names a seq (from 1): an empty register is
    // none.
    CHECK_FALSE(is_own_change_reference(RegisterState{}));
}

TEST_CASE("a page refers to own changes the client can put back, and is put back as it was",
          "[unit][protocol]") {
    Exchange exchange;
    const auto full = exchange.response;
    refer_to_own_changes(exchange.request, exchange.response);
    const auto& page = exchange.response.page.registers;
    REQUIRE(page.size() == 3);
    CHECK(is_own_change_reference(page[0]));
    CHECK(page[0].version == 41);
    CHECK(page[0].shown.seq == 8);
    CHECK(page[0].scope.empty());
    CHECK(page[0].shown.payload.empty());
    CHECK(page[1] == full.page.registers[1]);  // another device's: in full
    CHECK(is_own_change_reference(page[2]));
    CHECK(page[2].shown.seq == 9);
    // Smaller on the wire, and after the round trip the page is the full one.
    CHECK(encode(exchange.response).size() < encode(full).size());
    auto decoded = decode<SyncResponse>(encode(exchange.response));
    restore_own_changes(exchange.request, decoded);
    CHECK(decoded == full);
}

TEST_CASE("a register that is not exactly the device's entry is sent in full", "[unit][protocol]") {
    Exchange exchange;
    auto& page = exchange.response.page.registers;
    // Kept beside a concurrent value.
    page[0].siblings = {page[0].shown, page[1].shown};
    // Changed by someone else after the push (a later version).
    page[2].version = 44;
    page[2].shown.version = 44;
    const auto full = exchange.response;
    refer_to_own_changes(exchange.request, exchange.response);
    CHECK(exchange.response == full);

    // A refused entry is never referred to, nor one the push did not answer.
    Exchange refused;
    refused.response.push.results[2] = {9, PushOutcome::refused, 0, "too large"};
    refused.response.page.registers[2].version = 0;
    refused.response.page.registers[2].shown.version = 0;
    const auto before = refused.response;
    refer_to_own_changes(refused.request, refused.response);
    CHECK(refused.response.page.registers[2] == before.page.registers[2]);
    Exchange unanswered;
    unanswered.response.push.results.pop_back();
    const auto as_sent = unanswered.response;
    refer_to_own_changes(unanswered.request, unanswered.response);
    CHECK(unanswered.response == as_sent);
}

TEST_CASE("a reference the request cannot fill is refused", "[unit][protocol]") {
    Exchange exchange;
    refer_to_own_changes(exchange.request, exchange.response);

    auto unknown = exchange.response;
    unknown.page.registers[0].shown.seq = 99;
    require_error(ErrorCode::protocol, {"change 99", "did not send"},
                  [&] { restore_own_changes(exchange.request, unknown); });

    auto wrong_version = exchange.response;
    wrong_version.page.registers[0].version = 40;
    require_error(ErrorCode::protocol, {"change 8", "version"},
                  [&] { restore_own_changes(exchange.request, wrong_version); });

    auto refused = exchange.response;
    refused.push.results[1].outcome = PushOutcome::refused;
    require_error(ErrorCode::protocol, {"change 8"},
                  [&] { restore_own_changes(exchange.request, refused); });

    auto unanswered = exchange.response;
    unanswered.push.results.clear();
    require_error(ErrorCode::protocol, {"does not answer"},
                  [&] { restore_own_changes(exchange.request, unanswered); });

    // A page with no reference needs nothing of the request.
    SyncResponse plain;
    plain.page.registers = {exchange.response.page.registers[1]};
    const auto kept = plain;
    restore_own_changes(SyncRequest{}, plain);
    CHECK(plain == kept);
}
