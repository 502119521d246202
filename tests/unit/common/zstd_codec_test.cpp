#include "common/compression/zstd_codec.hpp"

#include <algorithm>
#include <memory>
#include <string>

#include <catch2/catch.hpp>
#include <zstd.h>

#include "common/crypto/random.hpp"
#include "common/error.hpp"

using namespace dspt;
using compression::compress;
using compression::decompress;

namespace {

constexpr std::size_t kMiB = 1024 * 1024;

// The code of the Error that fn throws; fails the test when it throws none.
template <class Fn>
ErrorCode error_of(Fn&& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.code();
    }
    FAIL("no dspt::Error thrown");
    return ErrorCode::internal;
}

std::string random_text(std::size_t n) {
    const auto bytes = crypto::random_bytes(n);
    return std::string(bytes.begin(), bytes.end());
}

// A frame as a streaming encoder writes it: the content size is not in its
// header, so only the data itself tells how much it holds.
std::string frame_without_content_size(std::size_t zero_bytes) {
    const std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> cctx(ZSTD_createCCtx(),
                                                                    &ZSTD_freeCCtx);
    REQUIRE(!ZSTD_isError(ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_contentSizeFlag, 0)));
    const std::string zeros(kMiB, '\0');
    std::string out;
    std::string buffer(ZSTD_CStreamOutSize(), '\0');
    for (std::size_t left = zero_bytes;;) {
        const std::size_t n = std::min(left, zeros.size());
        left -= n;
        const auto mode = left == 0 ? ZSTD_e_end : ZSTD_e_continue;
        ZSTD_inBuffer in{zeros.data(), n, 0};
        std::size_t pending = 0;
        do {
            ZSTD_outBuffer chunk{buffer.data(), buffer.size(), 0};
            pending = ZSTD_compressStream2(cctx.get(), &chunk, &in, mode);
            REQUIRE(!ZSTD_isError(pending));
            out.append(buffer.data(), chunk.pos);
        } while (in.pos < in.size || (mode == ZSTD_e_end && pending != 0));
        if (mode == ZSTD_e_end) {
            break;
        }
    }
    REQUIRE(ZSTD_getFrameContentSize(out.data(), out.size()) == ZSTD_CONTENTSIZE_UNKNOWN);
    return out;
}

}  // namespace

TEST_CASE("zstd: what compress() makes, decompress() gives back", "[unit][common]") {
    const std::string text = [] {
        std::string out;
        for (int i = 0; i < 2000; ++i) {
            out += "answer/1." + std::to_string(i % 9) + ".1 {\"value\":\"yes\"}\n";
        }
        return out;
    }();
    const auto frame = compress(text);
    CHECK(frame.size() < text.size() / 10);
    CHECK(decompress(frame, text.size()) == text);

    const auto noise = random_text(100'000);
    CHECK(decompress(compress(noise), noise.size()) == noise);

    // Several frames one after another hold their contents one after another.
    CHECK(decompress(compress("first ") + compress("second"), 100) == "first second");
}

TEST_CASE("zstd: empty input is a frame holding nothing, but no frame is refused",
          "[unit][common]") {
    const auto frame = compress("");
    CHECK_FALSE(frame.empty());
    CHECK(decompress(frame, 0).empty());
    CHECK(error_of([] { (void)decompress("", 100); }) == ErrorCode::protocol);
}

TEST_CASE("zstd: a corrupt frame is refused", "[unit][common]") {
    CHECK(error_of([] { (void)decompress("plainly not a zstd frame", 100); }) ==
          ErrorCode::protocol);

    const std::string text(10'000, 'a');
    const auto frame = compress(text);
    // Any changed byte after the magic number is caught: by the decoder, or
    // by the checksum at the end of the frame.
    for (std::size_t at = 4; at < frame.size(); ++at) {
        auto bad = frame;
        bad[at] = static_cast<char>(bad[at] ^ 0x55);
        INFO("byte " << at << " of " << frame.size());
        CHECK(error_of([&] { (void)decompress(bad, 100'000); }) != ErrorCode::internal);
    }
    // Bytes after the last frame that are not a frame.
    CHECK(error_of([&] { (void)decompress(frame + "trailing", 100'000); }) == ErrorCode::protocol);
}

TEST_CASE("zstd: a truncated frame is refused", "[unit][common]") {
    const auto frame = compress(random_text(3'000) + std::string(3'000, 'z'));
    for (std::size_t length = 1; length < frame.size(); ++length) {
        INFO("the first " << length << " of " << frame.size() << " bytes");
        CHECK(error_of([&] { (void)decompress(frame.substr(0, length), 10'000); }) ==
              ErrorCode::protocol);
    }
}

TEST_CASE("zstd: output over the bound is refused, however the frame describes itself",
          "[unit][common]") {
    // Exactly at the bound is fine, one byte over is not.
    const std::string text(50'000, 'x');
    CHECK(decompress(compress(text), text.size()) == text);
    CHECK(error_of([&] { (void)decompress(compress(text), text.size() - 1); }) ==
          ErrorCode::limit_exceeded);

    // A bomb: 256 MiB of zeros in a frame of a few kilobytes that does not
    // say how much it holds. Decoding stops at the bound.
    const auto bomb = frame_without_content_size(256 * kMiB);
    CHECK(bomb.size() < 64 * 1024);
    CHECK(error_of([&] { (void)decompress(bomb, kMiB); }) == ErrorCode::limit_exceeded);

    // A frame whose header claims 1 GiB in one segment (so the decoder would
    // need a 1 GiB window) is refused before anything is allocated for it.
    const std::string claims_a_gibibyte{
        "\x28\xB5\x2F\xFD"                  // magic
        "\xE0"                              // single segment, 8-byte content size
        "\x00\x00\x00\x40\x00\x00\x00\x00"  // content size 2^30
        "\x09\x00\x00"                      // last block, raw, 1 byte
        "x",
        4 + 1 + 8 + 3 + 1};
    CHECK(error_of([&] { (void)decompress(claims_a_gibibyte, 16 * kMiB); }) ==
          ErrorCode::limit_exceeded);
}

TEST_CASE("zstd: a thread's reused contexts start every call afresh", "[unit][common]") {
    const std::string text(20'000, 'q');
    const auto frame = compress(text);
    // A call that fails half-way through a frame leaves nothing for the next.
    CHECK(error_of([&] { (void)decompress(frame.substr(0, frame.size() / 2), 100'000); }) ==
          ErrorCode::protocol);
    CHECK(error_of([&] { (void)decompress(frame, 100); }) == ErrorCode::limit_exceeded);
    CHECK(decompress(frame, text.size()) == text);

    // A large body, then small ones: the same results as on a fresh thread,
    // and each call's own bound.
    const auto large = random_text(12 * kMiB);
    const auto large_frame = compress(large);
    CHECK(decompress(large_frame, large.size()) == large);
    CHECK(compress(text) == frame);
    CHECK(error_of([&] { (void)decompress(large_frame, kMiB); }) == ErrorCode::limit_exceeded);
    CHECK(decompress(frame, text.size()) == text);
}
