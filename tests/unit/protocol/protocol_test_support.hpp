#pragma once
// Helpers shared by the protocol unit tests: sample messages with non-trivial
// values and an assertion on a thrown dspt::Error's code and message.

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "protocol/message_list.hpp"

namespace dspt::protocol::test {

// Runs fn, which must throw dspt::Error with code and a message containing
// every one of fragments.
template <typename Fn>
void require_error(ErrorCode code, std::initializer_list<std::string_view> fragments, Fn&& fn) {
    try {
        fn();
        FAIL("no exception thrown");
    } catch (const Error& e) {
        INFO("message: " << e.what());
        REQUIRE(to_string(e.code()) == to_string(code));
        for (const std::string_view fragment : fragments) {
            REQUIRE_THAT(std::string(e.what()), Catch::Contains(std::string(fragment)));
        }
    }
}

// Bytes with a zero, a 0xFF and every value in between at a stride.
inline Bytes binary(std::size_t n, unsigned char seed) {
    Bytes out(n);
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = static_cast<unsigned char>(seed + 37 * i);
    }
    if (n > 1) {
        out[0] = 0x00;
        out[n - 1] = 0xFF;
    }
    return out;
}

// A message of type T with every field set to something non-trivial.
template <class T>
T sample();

template <>
inline EnrolRequest sample<EnrolRequest>() {
    // UTF-8 and an embedded NUL: strings are byte strings on the wire.
    static constexpr char kName[] = "Reception PC \xE2\x80\x94 caf\xC3\xA9\0x";
    return {"3f2a9c0d17e4b5a6", binary(32, 1), binary(32, 2), binary(32, 3),
            std::string(kName, sizeof kName - 1)};
}
template <>
inline EnrolResponse sample<EnrolResponse>() {
    return {"6d0f1c2e-8f3a-4b5c-9d6e-7f8091a2b3c4",
            Role::branch,
            "AB1",
            "Acme Care Ltd",
            "AB1-01",
            "Acme House",
            "",
            true,
            binary(72, 4)};
}
template <>
inline Identity sample<Identity>() {
    return {"device-7", Role::partner, "", "", "Support Partners CIC"};
}
template <>
inline InviteRequest sample<InviteRequest>() {
    return {"8899aabbccddeeff", Role::headquarters, "", binary(32, 5), {}, 1718000000123};
}
template <>
inline InviteResponse sample<InviteResponse>() {
    return {"0011223344556677", -1};
}
template <>
inline InviteView sample<InviteView>() {
    return {"0011223344556677", Role::headquarters, "", 1'700'000'000'000, -1};
}
template <>
inline InviteList sample<InviteList>() {
    return {{sample<InviteView>(), {"8899aabbccddeeff", Role::branch, "VA1B2", 7, 8}}};
}
template <>
inline KeyEnvelope sample<KeyEnvelope>() {
    return {binary(72, 6)};
}
template <>
inline SiteInfo sample<SiteInfo>() {
    return {"AB1-02", "1-000000002", "Acme Lodge"};
}
template <>
inline OrganisationView sample<OrganisationView>() {
    return {"AB1",
            "Acme Care Ltd",
            true,
            {{"AB1-01", "1-000000001", "Acme House"}, {"AB1-02", "", ""}, {"", "", "\t\n"}}};
}
template <>
inline GrantRequest sample<GrantRequest>() {
    return {"Support Partners CIC", "2027-03-31"};
}
template <>
inline GrantView sample<GrantView>() {
    return {"AB1", "Support Partners CIC", 1718000000000, 1718000999999, 1750000000000};
}
template <>
inline GrantList sample<GrantList>() {
    return {{{"AB1", "P1", 1, 0, 0},
             {"AB1", "P2", std::numeric_limits<std::int64_t>::min(),
              std::numeric_limits<std::int64_t>::max(), 1750000000000}}};
}

template <>
inline PushRequest sample<PushRequest>() {
    return {{{"6d0f1c2e-8f3a-4b5c-9d6e-7f8091a2b3c4",
              1,
              0x0123456789ab0001,
              "AB1-01",
              "answer/1.1.1",
              {},
              R"({"value":"ZA123456"})",
              "Registered manager"},
             {"6d0f1c2e-8f3a-4b5c-9d6e-7f8091a2b3c4",
              2,
              std::numeric_limits<std::uint64_t>::max(),
              "",
              "plan/3.2.1",
              {7, std::numeric_limits<std::int64_t>::max()},
              "",
              ""}}};
}
template <>
inline PushResponse sample<PushResponse>() {
    return {{{1, PushOutcome::accepted, 41, ""},
             {2, PushOutcome::duplicate, 40, ""},
             {3, PushOutcome::unchanged, 40, ""},
             {4, PushOutcome::conflict, 42, ""},
             {5, PushOutcome::refused, 0, "the value is 70000 bytes; the limit is 65536 bytes"}}};
}
template <>
inline PullResponse sample<PullResponse>() {
    const RegisterValue ours{41, "replica-a", 7, 0x0123456789ab0001, R"({"value":"yes"})", "A"};
    const RegisterValue theirs{42, "replica-b", 3, 0x0123456789ab0002, R"({"value":"no"})", "B"};
    return {{{"AB1-01", "answer/2.1.1", 42, theirs, {ours, theirs}},
             {"", "answer/1.1.1", 43, ours, {}}},
            43,
            true};
}
template <>
inline BlobStatus sample<BlobStatus>() {
    return {"6d0f1c2e-8f3a-4b5c-9d6e-7f8091a2b3c4", {0, 1, 2, 5}};
}
template <>
inline PublishRequest sample<PublishRequest>() {
    return {"0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9",
            "2025-26",
            "met",
            {"AB1-01", "AB1-02"},
            "6d0f1c2e-8f3a-4b5c-9d6e-7f8091a2b3c4",
            12,
            "v8",
            "5f0e3c0b9a7d6e2f1c4b8a9d0e3f2c1b5a6d7e8f9c0b1a2d3e4f5a6b7c8d9e0f"};
}
template <>
inline PublishResponse sample<PublishResponse>() {
    return {false,
            false,
            {},
            {{"AB1-01", "1.1.1", "not satisfied"}, {"", "", "already published this year"}}};
}
template <>
inline PublicationList sample<PublicationList>() {
    return {{{1, "AB1", {"AB1-01", "AB1-02"}, "2025-26", "met", 1718000000000, "device-a"},
             {2, "AB1", {"AB1-01"}, "2024-25", "approaching", 1690000000000, "device-b"}},
            "met",
            "2025-26"};
}
template <>
inline SyncHealth sample<SyncHealth>() {
    return {3, 4096, 259200000, false};
}
template <>
inline SyncRequest sample<SyncRequest>() {
    return {sample<PushRequest>().entries,
            43,
            sample<SyncHealth>(),
            "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
            "",
            {sample<BlobStatus>().evidence_id, "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9"}};
}
template <>
inline SyncResponse sample<SyncResponse>() {
    return {sample<PushResponse>(),
            sample<PullResponse>(),
            true,
            sample<PublicationList>(),
            "00112233445566778899aabbccddeeff",
            true,
            {sample<SiteInfo>()},
            "ffeeddccbbaa99887766554433221100",
            {sample<BlobStatus>(), {"0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9", {}}},
            true};
}
template <>
inline ProgressReport sample<ProgressReport>() {
    SiteProgress site{"AB1-01",
                      "Leeds branch",
                      "approaching",
                      20,
                      20,
                      40,
                      42,
                      {},
                      {{"2.1.1", "Staff training"}, {"7.1.1", "Business continuity"}},
                      1,
                      5,
                      1718000000000,
                      2,
                      512,
                      1717000000000,
                      true,
                      {1, "AB1", {"AB1-01"}, "2025-26", "approaching", 1716000000000, "device-a"}};
    return {1718000100000, {{"AB1", "Acorn Homecare", "2025-26", {site, {}}}}};
}
template <>
inline WebLoginLink sample<WebLoginLink>() {
    return {"/web/login?token=Wm9vLWJhci1iYXotcXV4LXF1dXgtY29yZ2UtZ3JhdWx0", 1718000400000};
}
template <>
inline SessionRequest sample<SessionRequest>() {
    return {binary(32, 71)};
}
template <>
inline SessionOffer sample<SessionOffer>() {
    return {"00112233445566778899aabbccddeeff", binary(32, 73), 1800000};
}

template <>
inline PartnerGroupRequest sample<PartnerGroupRequest>() {
    return {"Leeds City Council area"};
}

template <>
inline PartnerSummary sample<PartnerSummary>() {
    PartnerSummary summary;
    summary.year = "2025-26";
    summary.generated_at_ms = 1'760'000'000'000;
    summary.all = {"", 3, 1, 1, 1, 0, 1, 1, 2};
    summary.by_type = {{"care_home", 2, 1, 1, 0, 0, 0, 0, 1}, {"", 1, 0, 0, 1, 0, 1, 1, 1}};
    summary.by_group = {{"Leeds", 3, 1, 1, 1, 0, 1, 1, 2}};
    summary.missing = {{"1.1.5", "Staff know who to ask", 2}};
    summary.organisations = {{"AB1",
                              "Acorn Homecare",
                              "homecare",
                              "Leeds",
                              "met",
                              2,
                              true,
                              "2026-12-21",
                              1'759'000'000'000,
                              false,
                              {"1.1.5", "2.1.1"}}};
    return summary;
}

}  // namespace dspt::protocol::test
