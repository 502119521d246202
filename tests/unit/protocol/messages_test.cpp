#include "protocol/messages.hpp"

#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>

#include <catch2/catch.hpp>
#include <cereal/archives/portable_binary.hpp>

#include "common/crypto/encoding.hpp"
#include "protocol/codec.hpp"
#include "protocol/limits.hpp"
#include "protocol/message_list.hpp"
#include "protocol/version.hpp"
#include "tests/unit/protocol/protocol_test_support.hpp"

using namespace dspt::protocol;
using dspt::ErrorCode;
using dspt::protocol::test::require_error;
using dspt::protocol::test::sample;

TEMPLATE_LIST_TEST_CASE("every message survives a round trip", "[unit][protocol]", AllMessages) {
    const TestType original = sample<TestType>();
    const std::string bytes = encode(original);
    const TestType decoded = decode<TestType>(bytes);
    REQUIRE(decoded == original);
    // Deterministic, and decode accepts exactly what encode writes.
    REQUIRE(encode(decoded) == bytes);
    REQUIRE(encode(sample<TestType>()) == bytes);

    // Default values (empty strings and byte strings, zeros) too.
    const TestType empty{};
    REQUIRE(decode<TestType>(encode(empty)) == empty);
}

TEMPLATE_LIST_TEST_CASE("the envelope names the magic, version, type and payload length",
                        "[unit][protocol]", AllMessages) {
    const std::string bytes = encode(sample<TestType>());
    REQUIRE(bytes.substr(0, 4) == "DSPT");
    const EnvelopeHeader header = read_header(bytes);
    REQUIRE(header.version == kProtocolVersion);
    REQUIRE(header.type == TestType::kType);
    REQUIRE(header.payload_bytes == bytes.size() - kEnvelopeHeaderBytes);
    REQUIRE(to_string(header.type) == TestType::kName);
}

TEMPLATE_LIST_TEST_CASE("the payload is cereal's portable binary archive, little-endian",
                        "[unit][protocol]", AllMessages) {
    // Our bounded reader must agree with cereal's own reader on every message.
    const TestType original = sample<TestType>();
    const std::string bytes = encode(original);
    std::istringstream stream(bytes.substr(kEnvelopeHeaderBytes));
    cereal::PortableBinaryInputArchive archive(
        stream, cereal::PortableBinaryInputArchive::Options::LittleEndian());
    TestType read;
    archive(read);
    REQUIRE(read == original);
    REQUIRE(static_cast<unsigned char>(bytes[kEnvelopeHeaderBytes]) == 1);  // byte order
}

TEST_CASE("a GrantRequest encodes to the documented bytes", "[unit][protocol]") {
    // Pins the wire format byte for byte (protocol/README.md walks through it).
    const std::string bytes = encode(GrantRequest{"Acme", "2027-03-31"});
    REQUIRE(dspt::crypto::to_hex(dspt::crypto::as_byte_view(bytes)) ==
            "44535054"                // "DSPT"
            "0002"                    // protocol version 2
            "0301"                    // MessageType::grant_request
            "00000023"                // payload: 35 bytes
            "01"                      // cereal portable binary: little-endian
            "02000000"                // GrantRequest class version 2 (u32)
            "0400000000000000"        // partner_name: 4 bytes (u64)
            "41636d65"                // "Acme"
            "0a00000000000000"        // until: 10 bytes (u64)
            "323032372d30332d3331");  // "2027-03-31"
}

TEST_CASE("a GrantRequest of class version 1 still decodes, as a grant until revoked",
          "[unit][protocol]") {
    // A GrantRequest as the first release wrote it: no end date.
    const auto bytes = dspt::crypto::from_hex(
        "44535054000203010000001101010000000400000000000000"
        "41636d65");
    const auto request = decode<GrantRequest>(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    CHECK(request == GrantRequest{"Acme", ""});
}

TEST_CASE("a PublishRequest of class version 1 still decodes, naming no standards pack",
          "[unit][protocol]") {
    // As a client before version 2 wrote it: no pack version or digest, which
    // the server reads as its bundled pack of the year.
    const auto bytes = dspt::crypto::from_hex(
        "445350540002050100000059010100000005000000000000007265712d310700000000000000323032"
        "352d323603000000000000006d6574010000000000000006000000000000004142312d303107000000"
        "000000007265706c6963610c00000000000000");
    const auto request = decode<PublishRequest>(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    CHECK(request == PublishRequest{"req-1", "2025-26", "met", {"AB1-01"}, "replica", 12, "", ""});
}

TEST_CASE("a change of class version 1 still decodes, its base version the one value seen",
          "[unit][protocol]") {
    // What a client before `seen` sends: one base version (5), then none (0).
    const auto with_base = [](const char* base_hex) {
        const auto bytes = dspt::crypto::from_hex(
            std::string("44535054000204010000005501"  // envelope; little-endian
                        "01000000"                    // PushRequest class version 1
                        "0100000000000000"            // one entry
                        "01000000"                    // ChangeEntry class version 1
                        "010000000000000072"          // replica_id "r"
                        "0200000000000000"            // seq 2
                        "0300000000000000"            // hlc 3
                        "0000000000000000"            // scope ""
                        "01000000000000006b") +       // register_key "k"
            base_hex +                                // base_version
            "02000000000000007b7d"                    // payload "{}"
            "0000000000000000");                      // author ""
        return decode<PushRequest>(
            std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    };
    CHECK(with_base("0500000000000000") == PushRequest{{{"r", 2, 3, "", "k", {5}, "{}", ""}}});
    CHECK(with_base("0000000000000000") == PushRequest{{{"r", 2, 3, "", "k", {}, "{}", ""}}});
}

TEST_CASE("a PushResult of class version 1 still decodes, with no reason", "[unit][protocol]") {
    // A PushResult as the first release wrote it: seq, outcome and version.
    const auto bytes = dspt::crypto::from_hex(
        "44535054000204020000002201"  // "DSPT", version 2, PushResponse, 34 bytes, little-endian
        "01000000"                    // PushResponse class version 1
        "0100000000000000"            // one result
        "01000000"                    // PushResult class version 1
        "0700000000000000"            // seq 7
        "01"                          // accepted
        "2a00000000000000");          // version 42
    const auto response = decode<PushResponse>(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    CHECK(response == PushResponse{{{7, PushOutcome::accepted, 42, ""}}});
    // This build writes class version 2, with the reason of a refusal.
    const PushResponse refused{{{8, PushOutcome::refused, 0, "too large"}}};
    CHECK(decode<PushResponse>(encode(refused)) == refused);
    CHECK(to_string(PushOutcome::refused) == "refused");
}

TEST_CASE("a PublicationList of class version 1 still decodes, with no organisation-wide last",
          "[unit][protocol]") {
    const auto bytes = dspt::crypto::from_hex(
        "44535054000205030000000d01"  // "DSPT", version 2, PublicationList, 13 bytes, little-endian
        "01000000"                    // PublicationList class version 1
        "0000000000000000");          // no publications
    const auto list = decode<PublicationList>(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    CHECK(list == PublicationList{});
    // This build writes class version 2, with the organisation's newest publication.
    const PublicationList branch_view{{}, "approaching", "2024-25"};
    CHECK(decode<PublicationList>(encode(branch_view)) == branch_view);
}

TEST_CASE("nested structs carry their class version once per message", "[unit][protocol]") {
    OrganisationView view{"AB1", "Acme", false, {{"a", "b", "c"}, {"d", "e", "f"}}};
    const std::string bytes = encode(view);
    // 1 order + 4 view version + (8+3) + (8+4) + 1 bool + 8 count + 4 SiteInfo
    // version + 2 sites * 3 strings * (8 + 1).
    REQUIRE(bytes.size() == kEnvelopeHeaderBytes + 1 + 4 + 11 + 12 + 1 + 8 + 4 + 54);
    REQUIRE(decode<OrganisationView>(bytes) == view);
}

TEST_CASE("roles have stable names and wire values", "[unit][protocol]") {
    REQUIRE(to_string(Role::branch) == "branch");
    REQUIRE(to_string(Role::headquarters) == "headquarters");
    REQUIRE(to_string(Role::partner) == "partner");
    REQUIRE(static_cast<int>(Role::branch) == 1);
    REQUIRE(static_cast<int>(Role::headquarters) == 2);
    REQUIRE(static_cast<int>(Role::partner) == 3);
    for (const Role role : {Role::branch, Role::headquarters, Role::partner}) {
        REQUIRE(parse_role(to_string(role)) == role);
    }
    REQUIRE(to_string(static_cast<Role>(0)).empty());
    for (const std::string_view bad : {"", "Branch", " branch", "hq", "admin", "partner "}) {
        require_error(ErrorCode::invalid_argument, {"unknown role"},
                      [&] { (void)parse_role(bad); });
    }
}

TEST_CASE("message types are unique, named and never renumbered", "[unit][protocol]") {
    std::set<std::uint16_t> values;
    std::set<std::string_view> names;
    const auto check = [&](const auto& message) {
        using T = std::decay_t<decltype(message)>;
        values.insert(static_cast<std::uint16_t>(T::kType));
        names.insert(T::kName);
        REQUIRE(to_string(T::kType) == T::kName);
        // GrantRequest and GrantView gained the grant's end in version 2, and
        // PublishRequest the standards pack it is made against, PublicationList the
        // organisation's newest publication.
        REQUIRE(T::kVersion ==
                (T::kType == MessageType::grant_request || T::kType == MessageType::grant_view ||
                         T::kType == MessageType::publish_request ||
                         T::kType == MessageType::publication_list
                     ? 2u
                     : 1u));
    };
    std::apply([&](const auto&... message) { (check(message), ...); }, AllMessages{});
    REQUIRE(values.size() == std::tuple_size_v<AllMessages>);
    REQUIRE(names.size() == std::tuple_size_v<AllMessages>);
    REQUIRE(to_string(static_cast<MessageType>(0)).empty());
    // The published numbers (protocol/README.md).
    REQUIRE(static_cast<int>(MessageType::enrol_request) == 0x0101);
    REQUIRE(static_cast<int>(MessageType::invite_response) == 0x0105);
    REQUIRE(static_cast<int>(MessageType::key_envelope) == 0x0201);
    REQUIRE(static_cast<int>(MessageType::organisation_view) == 0x0203);
    REQUIRE(static_cast<int>(MessageType::grant_request) == 0x0301);
    REQUIRE(static_cast<int>(MessageType::grant_list) == 0x0303);
    REQUIRE(static_cast<int>(MessageType::push_request) == 0x0401);
    REQUIRE(static_cast<int>(MessageType::pull_response) == 0x0403);
    REQUIRE(static_cast<int>(MessageType::blob_status) == 0x0404);
    REQUIRE(static_cast<int>(MessageType::sync_request) == 0x0405);
    REQUIRE(static_cast<int>(MessageType::sync_response) == 0x0406);
    REQUIRE(static_cast<int>(MessageType::publish_request) == 0x0501);
    REQUIRE(static_cast<int>(MessageType::publish_response) == 0x0502);
    REQUIRE(static_cast<int>(MessageType::publication_list) == 0x0503);
    REQUIRE(static_cast<int>(MessageType::sync_health) == 0x0601);
    REQUIRE(static_cast<int>(MessageType::progress_report) == 0x0602);
    REQUIRE(static_cast<int>(MessageType::web_login_link) == 0x0701);
}
