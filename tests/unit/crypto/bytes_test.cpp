#include "common/crypto/bytes.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "common/crypto/constant_time.hpp"
#include "common/crypto/encoding.hpp"
#include "common/error.hpp"
#include "tests/support/errors.hpp"

using dspt::test::require_error;

using dspt::ErrorCode;
using namespace dspt::crypto;

TEST_CASE("constant_time_equal compares contents and lengths", "[unit][crypto]") {
    const Bytes a = to_bytes("abcdef");
    REQUIRE(constant_time_equal(a, to_bytes("abcdef")));
    REQUIRE_FALSE(constant_time_equal(a, to_bytes("abcdeg")));
    REQUIRE_FALSE(constant_time_equal(a, to_bytes("bbcdef")));
    REQUIRE_FALSE(constant_time_equal(a, to_bytes("abcde")));
    REQUIRE_FALSE(constant_time_equal(a, to_bytes("abcdefg")));
    REQUIRE_FALSE(constant_time_equal(a, {}));
    REQUIRE(constant_time_equal({}, {}));
    REQUIRE(constant_time_equal(Bytes{}, ByteView{}));
}

TEST_CASE("hex round-trips and rejects malformed text", "[unit][crypto]") {
    const Bytes bytes{0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
    REQUIRE(to_hex(bytes) == "00017f80abff");
    REQUIRE(from_hex("00017f80abff") == bytes);
    REQUIRE(from_hex("00017F80ABFF") == bytes);
    REQUIRE(to_hex({}).empty());
    REQUIRE(from_hex("").empty());

    for (const char* bad : {"0", "abc", "zz", "0x00", "00 11", " 00", "00:11", "0g"}) {
        INFO(bad);
        require_error(ErrorCode::invalid_argument, [&] { (void)from_hex(bad); });
    }
}

TEST_CASE("base64 is URL-safe, unpadded, round-trips and is strict", "[unit][crypto]") {
    REQUIRE(to_base64(to_bytes("")).empty());
    REQUIRE(to_base64(to_bytes("f")) == "Zg");
    REQUIRE(to_base64(to_bytes("fo")) == "Zm8");
    REQUIRE(to_base64(to_bytes("foo")) == "Zm9v");
    REQUIRE(to_base64(Bytes{0xfb, 0xff}) == "-_8");
    REQUIRE(to_base64(Bytes(32, 0)).size() == 43);

    for (std::size_t n = 0; n < 40; ++n) {
        Bytes bytes(n);
        for (std::size_t i = 0; i < n; ++i) {
            bytes[i] = static_cast<unsigned char>(255 - i * 13);
        }
        REQUIRE(from_base64(to_base64(bytes)) == bytes);
    }

    // '+', '/', padding, whitespace, a dangling character, non-zero spare bits.
    for (const char* bad : {"+_8", "-/8", "Zg==", "Zm9v\n", "Z", "Zh", "Zm9"}) {
        INFO(bad);
        require_error(ErrorCode::invalid_argument, [&] { (void)from_base64(bad); });
    }

    // Bytes from 0x80 up: libsodium 1.0.18 alone would read each as '_'.
    for (int byte = 0x80; byte <= 0xFF; ++byte) {
        const std::string bad = "Zm" + std::string(1, static_cast<char>(byte)) + "v";
        INFO(byte);
        require_error(ErrorCode::invalid_argument, [&] { (void)from_base64(bad); });
    }
    require_error(ErrorCode::invalid_argument, [] { (void)from_base64("Zm\xC3\xA9"); });
}
