#include "protocol/codec.hpp"

#include <cstdint>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "protocol/limits.hpp"
#include "protocol/version.hpp"
#include "tests/unit/protocol/protocol_test_support.hpp"

using namespace dspt::protocol;
using dspt::ErrorCode;
using namespace std::string_literals;
using dspt::protocol::test::require_error;
using dspt::protocol::test::sample;

namespace {

std::string big_endian(std::uint64_t value, int bytes) {
    std::string out;
    for (int i = bytes - 1; i >= 0; --i) {
        out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
    }
    return out;
}

std::string little_endian(std::uint64_t value, int bytes) {
    std::string out;
    for (int i = 0; i < bytes; ++i) {
        out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
    }
    return out;
}

// An envelope around payload; the declared length defaults to the true one.
std::string envelope(MessageType type, const std::string& payload,
                     std::optional<std::uint32_t> declared = std::nullopt,
                     std::uint16_t version = kProtocolVersion) {
    return "DSPT" + big_endian(version, 2) + big_endian(static_cast<std::uint16_t>(type), 2) +
           big_endian(declared.value_or(static_cast<std::uint32_t>(payload.size())), 4) + payload;
}

// Byte order 1 then the class version, as every payload starts.
std::string payload_start(std::uint32_t class_version = 1) {
    return std::string(1, '\x01') + little_endian(class_version, 4);
}

std::string string_field(const std::string& text) {
    return little_endian(text.size(), 8) + text;
}

}  // namespace

TEST_CASE("decode refuses a body that is not a dsptsync message", "[unit][protocol]") {
    for (const std::string& bad : {std::string("{}"), std::string("<html>error</html>"),
                                   std::string("DSPX") + std::string(20, '\0'),
                                   std::string("dspt") + std::string(20, '\0')}) {
        require_error(ErrorCode::protocol, {"not a dsptsync message"},
                      [&] { (void)decode<GrantRequest>(bad); });
    }
}

TEST_CASE("decode refuses a truncated header", "[unit][protocol]") {
    const std::string bytes = encode(sample<GrantRequest>());
    for (std::size_t n = 0; n < kEnvelopeHeaderBytes; ++n) {
        require_error(ErrorCode::protocol, {"truncated header", std::to_string(n) + " of 12"},
                      [&] { (void)decode<GrantRequest>(bytes.substr(0, n)); });
    }
}

TEST_CASE("decode refuses protocol versions it does not speak", "[unit][protocol]") {
    const std::string payload = encode(sample<GrantRequest>()).substr(kEnvelopeHeaderBytes);
    for (const std::uint16_t version :
         {std::uint16_t{0}, std::uint16_t{1}, std::uint16_t{3}, std::uint16_t{0xFFFF}}) {
        const std::string bytes = envelope(MessageType::grant_request, payload, {}, version);
        require_error(ErrorCode::protocol,
                      {"protocol version " + std::to_string(version) + " is not supported",
                       "this build speaks 2 to 2"},
                      [&] { (void)decode<GrantRequest>(bytes); });
    }
    REQUIRE_FALSE(is_supported_version(0));
    // Version 1 signed requests without the device id; its messages are refused
    // so that its clients are told to update rather than misread.
    REQUIRE_FALSE(is_supported_version(1));
    REQUIRE(is_supported_version(2));
    REQUIRE_FALSE(is_supported_version(3));
}

TEST_CASE("decode refuses a message of another type", "[unit][protocol]") {
    const std::string identity = encode(sample<Identity>());
    require_error(ErrorCode::protocol, {"expected EnrolResponse, got Identity"},
                  [&] { (void)decode<EnrolResponse>(identity); });
    const std::string unknown = envelope(static_cast<MessageType>(0x0999), payload_start());
    require_error(ErrorCode::protocol, {"expected GrantRequest, got an unknown message type 2457"},
                  [&] { (void)decode<GrantRequest>(unknown); });
    // read_header reports the type without judging it, for routers.
    REQUIRE(read_header(unknown).type == static_cast<MessageType>(0x0999));
}

TEST_CASE("decode refuses a truncated payload", "[unit][protocol]") {
    const std::string bytes = encode(sample<EnrolRequest>());
    const std::size_t payload = bytes.size() - kEnvelopeHeaderBytes;
    for (const std::size_t cut : {std::size_t{1}, std::size_t{7}, payload}) {
        require_error(ErrorCode::protocol,
                      {"truncated payload", "declares " + std::to_string(payload) + " bytes",
                       std::to_string(payload - cut) + " arrived"},
                      [&] { (void)decode<EnrolRequest>(bytes.substr(0, bytes.size() - cut)); });
    }
}

TEST_CASE("decode refuses trailing bytes after the payload", "[unit][protocol]") {
    const std::string bytes = encode(sample<KeyEnvelope>());
    require_error(ErrorCode::protocol, {"trailing bytes after the payload"},
                  [&] { (void)decode<KeyEnvelope>(bytes + "x"); });
    // Two messages back to back are not one message.
    require_error(ErrorCode::protocol, {"trailing bytes"},
                  [&] { (void)decode<KeyEnvelope>(bytes + bytes); });
}

TEST_CASE("decode refuses unread bytes inside the payload", "[unit][protocol]") {
    const std::string payload = encode(GrantRequest{"Acme", ""}).substr(kEnvelopeHeaderBytes);
    const std::string bytes = envelope(MessageType::grant_request, payload + "\x00\x00"s);
    require_error(ErrorCode::protocol,
                  {"malformed GrantRequest payload", "2 unread bytes after the message"},
                  [&] { (void)decode<GrantRequest>(bytes); });
}

TEST_CASE("decode refuses input over the size limit", "[unit][protocol]") {
    const std::string bytes = encode(sample<EnrolRequest>());
    require_error(
        ErrorCode::limit_exceeded,
        {"a message of " + std::to_string(bytes.size()) + " bytes", "over the limit of 100 bytes"},
        [&] { (void)decode<EnrolRequest>(bytes, 100); });
    REQUIRE(decode<EnrolRequest>(bytes, bytes.size()) == sample<EnrolRequest>());

    // The default limit, kMaxMessageBytes, counts the header too.
    KeyEnvelope largest{Bytes(kMaxMessageBytes - kEnvelopeHeaderBytes - 1 - 4 - 8)};
    const std::string at_limit = encode(largest);
    REQUIRE(at_limit.size() == kMaxMessageBytes);
    REQUIRE(decode<KeyEnvelope>(at_limit).sealed.size() == largest.sealed.size());
    require_error(ErrorCode::limit_exceeded, {"over the limit of 16777216 bytes"},
                  [&] { (void)decode<KeyEnvelope>(at_limit + "x"); });

    largest.sealed.push_back(0);
    require_error(ErrorCode::limit_exceeded, {"KeyEnvelope of", "over the message limit"},
                  [&] { (void)encode(largest); });
}

TEST_CASE("a huge declared length fails fast without allocating it", "[unit][protocol]") {
    // A 2^40-byte token_id: PortableBinaryInputArchive would resize() a string
    // to a terabyte before noticing the input ends. Under ASan that allocation
    // alone aborts the test.
    const std::string huge_string = envelope(
        MessageType::enrol_request, payload_start() + little_endian(1ULL << 40, 8) + "abc");
    require_error(ErrorCode::protocol,
                  {"malformed EnrolRequest payload", "declares 1099511627776 elements",
                   "only 3 bytes are left"},
                  [&] { (void)decode<EnrolRequest>(huge_string); });

    // The largest count a u64 can declare, for a byte string.
    const std::string huge_bytes =
        envelope(MessageType::key_envelope, payload_start() + little_endian(~0ULL, 8));
    require_error(ErrorCode::protocol, {"declares 18446744073709551615 elements"},
                  [&] { (void)decode<KeyEnvelope>(huge_bytes); });

    // A list of 2^40 sites (over the list's bound), and a list that claims more
    // sites than it holds: elements are appended as they are read, never
    // resized up front.
    const std::string org_start =
        payload_start() + string_field("AB1") + string_field("Acme") + std::string(1, '\x01');
    require_error(
        ErrorCode::limit_exceeded, {"OrganisationView.sites declares 1099511627776 elements"}, [&] {
            (void)decode<OrganisationView>(
                envelope(MessageType::organisation_view, org_start + little_endian(1ULL << 40, 8)));
        });
    const std::string few_sites = org_start + little_endian(40, 8) + little_endian(1, 4) +
                                  string_field("a") + string_field("b") + string_field("c") +
                                  std::string(15, '\0');
    require_error(ErrorCode::protocol, {"malformed OrganisationView payload", "ends early"}, [&] {
        (void)decode<OrganisationView>(envelope(MessageType::organisation_view, few_sites));
    });
}

TEST_CASE("a list longer than its message may carry is refused at its count", "[unit][protocol]") {
    // PushRequest class version 1, then the entries' count.
    const auto push_declaring = [](std::uint64_t count, const std::string& rest) {
        return envelope(MessageType::push_request,
                        payload_start() + little_endian(count, 8) + rest);
    };
    // A declared count and nothing after it: the refusal comes from the count
    // alone, before any entry is read or allocated (reading one would find the
    // payload ended).
    for (const std::uint64_t count :
         {std::uint64_t{1001}, std::uint64_t{245'760}, std::uint64_t{1} << 31, ~std::uint64_t{0}}) {
        require_error(ErrorCode::limit_exceeded,
                      {"PushRequest.entries declares " + std::to_string(count) + " elements",
                       "a message carries at most 1000"},
                      [&] { (void)decode<PushRequest>(push_declaring(count, "")); });
    }

    // The whole attack: 245,760 empty changes of 64 bytes each, a message
    // under the 16 MiB limit that would hold some 150 MB once decoded.
    const std::size_t attack = 245'760;
    const std::string empty_change(64, '\0');   // eight zero lengths and numbers
    std::string entries = little_endian(2, 4);  // ChangeEntry class version, once
    entries.reserve(4 + attack * empty_change.size());
    for (std::size_t i = 0; i < attack; ++i) {
        entries += empty_change;
    }
    const std::string flood = push_declaring(attack, entries);
    REQUIRE(flood.size() <= kMaxMessageBytes);
    require_error(ErrorCode::limit_exceeded, {"PushRequest.entries declares 245760 elements"},
                  [&] { (void)decode<PushRequest>(flood); });

    // The same bytes with as many entries as a push may carry decode.
    const std::string largest =
        push_declaring(kMaxPushEntries, entries.substr(0, 4 + kMaxPushEntries * 64));
    REQUIRE(decode<PushRequest>(largest).entries.size() == kMaxPushEntries);

    // encode refuses what decode would, so a peer is never sent a list it refuses.
    PushRequest too_many;
    too_many.entries.resize(kMaxPushEntries + 1);
    require_error(ErrorCode::limit_exceeded, {"PushRequest.entries holds 1001 elements"},
                  [&] { (void)encode(too_many); });

    // Other lists have their own bounds: a file's chunks, a pull page.
    require_error(ErrorCode::limit_exceeded, {"BlobStatus.held declares 2049 elements"}, [&] {
        (void)decode<BlobStatus>(envelope(
            MessageType::blob_status, payload_start() + string_field("e") + little_endian(2049, 8) +
                                          std::string(2049 * 4, '\0')));
    });
    require_error(ErrorCode::limit_exceeded, {"PullResponse.registers declares 501 elements"}, [&] {
        (void)decode<PullResponse>(
            envelope(MessageType::pull_response, payload_start() + little_endian(501, 8)));
    });
}

TEST_CASE("decode refuses values outside their type", "[unit][protocol]") {
    // A bool that is neither 0 nor 1 (reading it as bool would be undefined).
    std::string bytes = encode(OrganisationView{"A", "B", true, {}});
    const std::size_t bool_at = kEnvelopeHeaderBytes + 1 + 4 + 9 + 9;
    REQUIRE(bytes[bool_at] == '\x01');
    bytes[bool_at] = '\x02';
    require_error(ErrorCode::protocol, {"a bool at offset", "holds 2"},
                  [&] { (void)decode<OrganisationView>(bytes); });

    // A role number that is not a role.
    for (const char role : {'\x00', '\x04', '\xFF'}) {
        const std::string invite =
            envelope(MessageType::invite_request,
                     payload_start() + string_field("") + std::string(1, role) + string_field("") +
                         string_field("") + string_field("") + little_endian(0, 8));
        require_error(ErrorCode::protocol,
                      {"malformed InviteRequest payload", "unknown role value"},
                      [&] { (void)decode<InviteRequest>(invite); });
    }
}

TEST_CASE("decode refuses unknown class versions and byte orders", "[unit][protocol]") {
    for (const std::uint32_t version : {0u, 3u}) {
        const std::string bytes =
            envelope(MessageType::grant_request, payload_start(version) + string_field("Acme"));
        require_error(ErrorCode::protocol,
                      {"GrantRequest version " + std::to_string(version) + " is not supported"},
                      [&] { (void)decode<GrantRequest>(bytes); });
    }
    const std::string big = envelope(MessageType::grant_request,
                                     std::string(1, '\0') + little_endian(1, 4) + string_field(""));
    require_error(ErrorCode::protocol, {"byte-order byte is 0"},
                  [&] { (void)decode<GrantRequest>(big); });
    require_error(ErrorCode::protocol, {"payload is empty"},
                  [&] { (void)decode<GrantRequest>(envelope(MessageType::grant_request, "")); });
}

TEST_CASE("every prefix and every one-byte change of a message is handled", "[unit][protocol]") {
    // A small deterministic fuzz: each mutation decodes to some message or
    // throws dspt::Error (protocol or limit); nothing else escapes, and what
    // decodes re-encodes to the same bytes.
    const std::string bytes = encode(sample<EnrolResponse>());
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        REQUIRE_THROWS_AS(decode<EnrolResponse>(bytes.substr(0, n)), dspt::Error);
    }
    int decoded = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        for (const int delta : {1, 0x80}) {
            std::string changed = bytes;
            changed[i] = static_cast<char>(changed[i] + delta);
            try {
                const EnrolResponse message = decode<EnrolResponse>(changed);
                REQUIRE(encode(message) == changed);
                ++decoded;
            } catch (const dspt::Error& e) {
                REQUIRE((e.code() == ErrorCode::protocol || e.code() == ErrorCode::limit_exceeded));
            }
        }
    }
    REQUIRE(decoded > 0);  // changes inside strings and byte strings still decode
}
