#include "common/compression/content_coding.hpp"

#include <algorithm>
#include <cctype>

#include "common/compression/zstd_codec.hpp"
#include "common/text.hpp"

namespace dspt::compression {

namespace {

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](unsigned char x, unsigned char y) {
        return std::tolower(x) == std::tolower(y);
    });
}

// The part of `text` before `separator`, trimmed; `text` keeps what follows.
std::string_view next_part(std::string_view& text, char separator) {
    const auto at = text.find(separator);
    const auto part = trim(text.substr(0, at), " \t");
    text = at == std::string_view::npos ? std::string_view{} : text.substr(at + 1);
    return part;
}

// True for a weight of zero: "q=0", "q=0.", "q=0.000" (RFC 9110 section 12.4.2).
bool is_zero_weight(std::string_view parameter) {
    if (parameter.size() < 3 || !iequals(parameter.substr(0, 2), "q=")) {
        return false;
    }
    const auto weight = parameter.substr(2);
    return weight.front() == '0' && weight.find_first_not_of("0.", 1) == std::string_view::npos &&
           std::count(weight.begin(), weight.end(), '.') <= 1;
}

}  // namespace

std::optional<ContentCoding> parse_content_encoding(std::string_view value) {
    const auto coding = trim(value, " \t");
    if (coding.empty() || iequals(coding, "identity")) {
        return ContentCoding::identity;
    }
    if (iequals(coding, kZstdCoding)) {
        return ContentCoding::zstd;
    }
    return std::nullopt;
}

bool accepts_zstd(std::string_view accept_encoding) {
    // An explicit "zstd" decides; "*" covers zstd only when it is not listed.
    std::optional<bool> zstd;
    std::optional<bool> any;
    while (!accept_encoding.empty()) {
        auto element = next_part(accept_encoding, ',');
        const auto coding = next_part(element, ';');
        bool accepted = true;
        while (!element.empty()) {
            // Every parameter is taken off, also after a zero weight.
            const bool zero = is_zero_weight(next_part(element, ';'));
            accepted = accepted && !zero;
        }
        if (iequals(coding, kZstdCoding)) {
            zstd = accepted;
        } else if (coding == "*") {
            any = accepted;
        }
    }
    return zstd.value_or(any.value_or(false));
}

std::optional<std::string> compress_body(std::string_view body, std::string_view content_type) {
    if (body.size() < kCompressMinBytes || content_type == "application/octet-stream") {
        return std::nullopt;
    }
    auto frame = compress(body);
    if (frame.size() + kCodingHeaderBytes >= body.size()) {
        return std::nullopt;
    }
    return frame;
}

}  // namespace dspt::compression
