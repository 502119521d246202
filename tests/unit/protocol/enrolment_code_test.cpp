#include "protocol/enrolment_code.hpp"

#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "common/crypto/blake2b.hpp"
#include "common/crypto/constant_time.hpp"
#include "common/crypto/encoding.hpp"
#include "tests/unit/protocol/protocol_test_support.hpp"

using namespace dspt::protocol;
using dspt::ErrorCode;
using dspt::protocol::test::require_error;
namespace crypto = dspt::crypto;

namespace {

// The secret 00 01 .. 0f; the expected values below were computed
// independently with Python's hashlib.blake2b.
constexpr std::string_view kFixedCode = "0123456789abcdef-AAECAwQFBgcICQoLDA0ODw";

bool is_lower_hex(const std::string& text) {
    return text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

TEST_CASE("an enrolment code survives to_string and parse", "[unit][protocol]") {
    const EnrolmentCode code = EnrolmentCode::generate();
    const std::string text = code.to_string();
    REQUIRE(text.size() == EnrolmentCode::kChars);
    REQUIRE(text.size() == 39);
    REQUIRE(text[16] == '-');
    REQUIRE(code.token_id().size() == 16);
    REQUIRE(is_lower_hex(code.token_id()));
    REQUIRE(code.secret().size() == 16);

    const EnrolmentCode parsed = EnrolmentCode::parse(text);
    REQUIRE(parsed.token_id() == code.token_id());
    REQUIRE(crypto::constant_time_equal(parsed.secret(), code.secret()));
    REQUIRE(parsed.to_string() == text);

    // Pasted with surrounding whitespace.
    REQUIRE(EnrolmentCode::parse("  " + text + "\r\n").to_string() == text);

    // Fresh codes differ in both parts.
    std::set<std::string> tokens;
    std::set<std::string> texts;
    for (int i = 0; i < 50; ++i) {
        const EnrolmentCode another = EnrolmentCode::generate();
        tokens.insert(another.token_id());
        texts.insert(another.to_string().substr(17));
    }
    REQUIRE(tokens.size() == 50);
    REQUIRE(texts.size() == 50);
}

TEST_CASE("malformed enrolment codes are refused with a reason", "[unit][protocol]") {
    const std::string good(kFixedCode);
    REQUIRE(EnrolmentCode::parse(good).token_id() == "0123456789abcdef");

    const auto parse = [](std::string text) { return [=] { (void)EnrolmentCode::parse(text); }; };
    require_error(ErrorCode::invalid_argument, {"39 characters", "not 0"}, parse(""));
    require_error(ErrorCode::invalid_argument, {"not 38"}, parse(good.substr(0, 38)));
    require_error(ErrorCode::invalid_argument, {"not 40"}, parse(good + "A"));
    require_error(ErrorCode::invalid_argument, {"lower-case hex"},
                  parse("0123456789ABCDEF-AAECAwQFBgcICQoLDA0ODw"));
    require_error(ErrorCode::invalid_argument, {"lower-case hex"},
                  parse("0123456789abcdeg-AAECAwQFBgcICQoLDA0ODw"));
    require_error(ErrorCode::invalid_argument, {"character 17 must be '-'"},
                  parse("0123456789abcdef_AAECAwQFBgcICQoLDA0ODw"));
    require_error(ErrorCode::invalid_argument, {"not a valid secret"},
                  parse("0123456789abcdef-AAECAwQFBgcICQoLDA0OD+"));  // not base64url
    // Every character allowed, but a mistyped last one sets bits no code has.
    require_error(ErrorCode::invalid_argument, {"not a code this server issued", "mistyped"},
                  parse("0123456789abcdef-AAECAwQFBgcICQoLDA0ODx"));  // unused bits set
    require_error(ErrorCode::invalid_argument, {"not a valid secret"},
                  parse("0123456789abcdef-AAECAwQFBgc CQoLDA0ODw"));
    // A byte from 0x80 up (as a pasted non-ASCII character brings) is no
    // base64url character, though libsodium alone would read it as '_'.
    require_error(ErrorCode::invalid_argument, {"not a valid secret"},
                  parse("0123456789abcdef-AAECAwQFBgc\xBF"
                        "CQoLDA0ODw"));
    // The message never repeats the code (it holds a secret).
    try {
        (void)EnrolmentCode::parse("0123456789abcdef-AAECAwQFBgcICQoLDA0OD+");
    } catch (const dspt::Error& e) {
        REQUIRE(std::string(e.what()).find("AAEC") == std::string::npos);
    }
}

TEST_CASE("auth key, verifier and seal key match the documented derivation", "[unit][protocol]") {
    const EnrolmentCode code = EnrolmentCode::parse(kFixedCode);
    const crypto::Bytes auth = auth_key(code.secret());
    REQUIRE(crypto::to_hex(auth) ==
            "530ae44eb80094b80fbe84ce8dcc3b99b17bdb137a08ab63b89b3d89bc4f46d4");
    REQUIRE(crypto::to_hex(verifier(auth)) ==
            "0f7420135fe3a3fe4fdd292c621343c9862194cfa5fb3fe6579cd7da46306fba");
    REQUIRE(verifier(auth) == crypto::blake2b(auth));
    REQUIRE(crypto::to_hex(seal_key(code.secret()).view()) ==
            "c2196c9209f8b811b8c6a55dc4b5332f2829ad94a520640e0983fe7bb0cea968");
    REQUIRE(crypto::to_hex(auth_key(code.secret(), CodePurpose::recovery)) ==
            "8ae56357819c222cb536eeebc95200be13bfb10e458c51a91b44e6fc95d15586");
}

TEST_CASE("derived keys are deterministic and independent", "[unit][protocol]") {
    const EnrolmentCode code = EnrolmentCode::generate();
    const EnrolmentCode other = EnrolmentCode::generate();

    REQUIRE(auth_key(code.secret()) == auth_key(code.secret()));
    REQUIRE(auth_key(code.secret()).size() == 32);
    REQUIRE(crypto::constant_time_equal(seal_key(code.secret()).view(),
                                        seal_key(code.secret()).view()));

    std::set<std::string> keys;
    for (const EnrolmentCode* c : {&code, &other}) {
        for (const CodePurpose purpose : {CodePurpose::enrolment, CodePurpose::recovery}) {
            keys.insert(crypto::to_hex(auth_key(c->secret(), purpose)));
            keys.insert(crypto::to_hex(seal_key(c->secret(), purpose).view()));
        }
    }
    REQUIRE(keys.size() == 8);  // no two alike: per code, per purpose, auth vs seal

    require_error(ErrorCode::invalid_argument, {"16 bytes, not 15"},
                  [] { (void)auth_key(crypto::Bytes(15)); });
    require_error(ErrorCode::invalid_argument, {"16 bytes, not 32"},
                  [] { (void)seal_key(crypto::Bytes(32)); });
}

TEST_CASE("the organisation key opens only with its code and purpose", "[unit][protocol]") {
    const EnrolmentCode code = EnrolmentCode::generate();
    const crypto::SecretKey organisation_key = crypto::SecretKey::generate();
    const crypto::Bytes envelope =
        seal_organisation_key(code, CodePurpose::enrolment, organisation_key);
    REQUIRE(envelope.size() == 72);

    // The enrolling device parses the code a person typed.
    const EnrolmentCode typed = EnrolmentCode::parse(code.to_string());
    const crypto::SecretKey opened = open_organisation_key(typed, CodePurpose::enrolment, envelope);
    REQUIRE(crypto::constant_time_equal(opened.view(), organisation_key.view()));

    require_error(ErrorCode::authentication_failed, {},
                  [&] { (void)open_organisation_key(code, CodePurpose::recovery, envelope); });
    require_error(ErrorCode::authentication_failed, {}, [&] {
        (void)open_organisation_key(EnrolmentCode::generate(), CodePurpose::enrolment, envelope);
    });
    crypto::Bytes changed = envelope;
    changed[30] ^= 1;
    require_error(ErrorCode::authentication_failed, {},
                  [&] { (void)open_organisation_key(code, CodePurpose::enrolment, changed); });

    // The recovery copy round-trips under the recovery purpose.
    const crypto::Bytes recovery =
        seal_organisation_key(code, CodePurpose::recovery, organisation_key);
    REQUIRE(crypto::constant_time_equal(
        open_organisation_key(code, CodePurpose::recovery, recovery).view(),
        organisation_key.view()));
}
