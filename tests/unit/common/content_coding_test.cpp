#include "common/compression/content_coding.hpp"

#include <catch2/catch.hpp>

#include "common/compression/zstd_codec.hpp"
#include "common/crypto/random.hpp"

using namespace dspt::compression;

TEST_CASE("Content-Encoding names identity or zstd, and nothing else", "[unit][common]") {
    CHECK(parse_content_encoding("") == ContentCoding::identity);
    CHECK(parse_content_encoding("identity") == ContentCoding::identity);
    CHECK(parse_content_encoding("zstd") == ContentCoding::zstd);
    CHECK(parse_content_encoding(" ZStd\t") == ContentCoding::zstd);
    CHECK_FALSE(parse_content_encoding("gzip").has_value());
    CHECK_FALSE(parse_content_encoding("zstd, gzip").has_value());
    CHECK_FALSE(parse_content_encoding("zstd, zstd").has_value());
}

TEST_CASE("Accept-Encoding accepts zstd when it lists it, or *, with a weight above 0",
          "[unit][common]") {
    CHECK(accepts_zstd("zstd"));
    CHECK(accepts_zstd("ZSTD"));
    CHECK(accepts_zstd("gzip, br, zstd"));
    CHECK(accepts_zstd("gzip;q=1.0, zstd ; q=0.5"));
    CHECK(accepts_zstd("zstd;q=0.001"));
    CHECK(accepts_zstd("*"));
    CHECK(accepts_zstd("gzip, *;q=0.1"));

    CHECK_FALSE(accepts_zstd(""));
    CHECK_FALSE(accepts_zstd("gzip, deflate, br"));  // curl --compressed
    CHECK_FALSE(accepts_zstd("zstd;q=0"));
    CHECK_FALSE(accepts_zstd("zstd; Q=0.000"));
    CHECK_FALSE(accepts_zstd("*;q=0"));
    CHECK_FALSE(accepts_zstd("*, zstd;q=0"));  // the named coding wins over *
    CHECK_FALSE(accepts_zstd("zstdx, xzstd"));
    // A parameter after a zero weight (the server once looped on it forever).
    CHECK_FALSE(accepts_zstd("gzip, zstd;q=0;5"));
    CHECK_FALSE(accepts_zstd("zstd;q=0;level=3, br"));
    CHECK(accepts_zstd("*;q=0;x, zstd;q=0.5;y"));
}

TEST_CASE("a body is compressed only when it is long enough and shrinks", "[unit][common]") {
    CHECK_FALSE(compress_body(std::string(kCompressMinBytes - 1, 'a')).has_value());

    const std::string repetitive(kCompressMinBytes, 'a');
    const auto frame = compress_body(repetitive);
    REQUIRE(frame.has_value());
    CHECK(frame->size() < repetitive.size());
    CHECK(decompress(*frame, repetitive.size()) == repetitive);

    // Random bytes, like sealed values, do not shrink: they travel as they are.
    const auto noise = dspt::crypto::random_bytes(4096);
    CHECK_FALSE(compress_body(std::string(noise.begin(), noise.end())).has_value());
    // Opaque bytes are not even tried.
    CHECK_FALSE(compress_body(repetitive, "application/octet-stream").has_value());
    CHECK(compress_body(repetitive, "application/x-dspt").has_value());

    // A body that shrinks by less than the "Content-Encoding: zstd" line costs travels
    // as it is: sent compressed, the message would be longer.
    const auto mostly_noise = dspt::crypto::random_bytes(100);
    const auto almost =
        std::string(mostly_noise.begin(), mostly_noise.end()) + std::string(40, 'a');
    REQUIRE(dspt::compression::compress(almost).size() < almost.size());
    REQUIRE(dspt::compression::compress(almost).size() + kCodingHeaderBytes >= almost.size());
    CHECK_FALSE(compress_body(almost).has_value());
    CHECK(kCodingHeaderBytes == std::string_view("Content-Encoding: zstd\r\n").size());
}
