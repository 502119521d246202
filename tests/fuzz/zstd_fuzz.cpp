// libFuzzer target: zstd content decoding (common/compression), as the
// server reads a request body and the client a response body sent with
// "Content-Encoding: zstd", and the header values that choose the coding.
//
// The first byte picks the receiver's limit (from none to the server's
// default body limit); the rest are the bytes received.
//
// Properties, besides no crash, no sanitizer report and no allocation past
// libFuzzer's -malloc_limit_mb:
//  - decompress never returns more than its limit, and refuses only with
//    limit_exceeded or protocol;
//  - what it returns, compressed again, decompresses to the same bytes;
//  - any bytes compress to a frame that decompresses to them within a limit
//    of their size, and is refused with limit_exceeded by a limit one byte
//    smaller;
//  - compress_body's frame is smaller than the body and decompresses to it;
//  - a Content-Encoding value is taken for zstd or identity only when it
//    names it, and an Accept-Encoding value's verdict on zstd does not change
//    when another coding is listed after it.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/compression/content_coding.hpp"
#include "common/compression/zstd_codec.hpp"
#include "common/error.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace dz = dspt::compression;

namespace {

constexpr std::array<std::size_t, 8> kLimits = {0,     1,        100,      4096,
                                                65536, 1u << 20, 8u << 20, 16u << 20};

std::string_view trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::string lowered(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::size_t limit = kLimits[data[0] % kLimits.size()];
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);

    try {
        const std::string body = dz::decompress(bytes, limit);
        DSPT_FUZZ_CHECK(body.size() <= limit);
        DSPT_FUZZ_CHECK(dz::decompress(dz::compress(body), limit) == body);
    } catch (const dspt::Error& e) {
        DSPT_FUZZ_CHECK(e.code() == dspt::ErrorCode::limit_exceeded ||
                        e.code() == dspt::ErrorCode::protocol);
    }

    const std::string frame = dz::compress(bytes);
    DSPT_FUZZ_CHECK(dz::decompress(frame, bytes.size()) == bytes);
    if (!bytes.empty()) {
        try {
            (void)dz::decompress(frame, bytes.size() - 1);
            DSPT_FUZZ_CHECK(!"a body one byte over the limit was accepted");
        } catch (const dspt::Error& e) {
            DSPT_FUZZ_CHECK(e.code() == dspt::ErrorCode::limit_exceeded);
        }
    }

    const bool opaque = (data[0] & 0x80) != 0;
    if (const auto sent = dz::compress_body(bytes, opaque ? "application/octet-stream" : "")) {
        DSPT_FUZZ_CHECK(!opaque);
        DSPT_FUZZ_CHECK(sent->size() < bytes.size());
        DSPT_FUZZ_CHECK(dz::decompress(*sent, bytes.size()) == bytes);
    }

    // The same bytes as a Content-Encoding and an Accept-Encoding value.
    if (const auto coding = dz::parse_content_encoding(bytes)) {
        const std::string name = lowered(trimmed(bytes));
        DSPT_FUZZ_CHECK(*coding == dz::ContentCoding::zstd ? name == "zstd"
                                                           : (name.empty() || name == "identity"));
    }
    // Another coding listed after the value changes nothing.
    DSPT_FUZZ_CHECK(dz::accepts_zstd(bytes) == dz::accepts_zstd(std::string(bytes) + ", gzip"));
    return 0;
}
