#pragma once
// Content codings of HTTP bodies (RFC 9110 section 8.4) as dsptsync uses
// them. The client's transport and the server's HTTP layer share these rules,
// so the two always agree:
//
//  - every request says "Accept-Encoding: zstd";
//  - a request body is sent as a zstd frame (zstd_codec.hpp) with
//    "Content-Encoding: zstd" when compress_body() says it is worth it;
//  - a response body likewise, when the request's Accept-Encoding accepts
//    zstd, with "Vary: Accept-Encoding"; a client that does not ask for zstd
//    (curl without --compressed) always gets bodies as they are;
//  - the receiver decompresses within its own body limit.
//
// Compression sits below request signing: a device signs the body before
// compression (protocol/signing.hpp), so the signature does not depend on how
// the body travelled, and the server checks it after decompression.
//
// Thread safety: stateless.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace dspt::compression {

inline constexpr std::string_view kContentEncodingHeader = "Content-Encoding";
inline constexpr std::string_view kAcceptEncodingHeader = "Accept-Encoding";
inline constexpr std::string_view kZstdCoding = "zstd";

// Bodies shorter than this travel as they are: a frame's header and checksum
// take about 15 bytes, and so short a body seldom shrinks by much more.
inline constexpr std::size_t kCompressMinBytes = 64;

// What compressing adds to a message besides the frame: the header line
// "Content-Encoding: zstd" and its CRLF.
inline constexpr std::size_t kCodingHeaderBytes =
    kContentEncodingHeader.size() + 2 + kZstdCoding.size() + 2;

enum class ContentCoding { identity, zstd };

// The coding a Content-Encoding value names: identity for an empty value or
// "identity", zstd for "zstd" (names compare without regard to case; spaces
// around them are ignored). Nothing for any other coding, or for a list of
// several, which this side cannot undo.
[[nodiscard]] std::optional<ContentCoding> parse_content_encoding(std::string_view value);

// True when an Accept-Encoding value accepts zstd: it lists "zstd", or else
// "*", with a weight other than 0 ("zstd;q=0" declines it). An empty value
// accepts nothing but the body as it is.
[[nodiscard]] bool accepts_zstd(std::string_view accept_encoding);

// The zstd frame to send for `body`, or nothing when the body should travel
// as it is: when its content type says it is opaque bytes
// ("application/octet-stream": sealed evidence chunks, which never shrink), when
// it is shorter than kCompressMinBytes, or when the frame and the header line
// that names it (kCodingHeaderBytes) would not be smaller than the body (already
// compressed or encrypted bytes; short bodies of little repetition).
[[nodiscard]] std::optional<std::string> compress_body(std::string_view body,
                                                       std::string_view content_type = {});

}  // namespace dspt::compression
