#pragma once
// Zstandard compression of whole bodies (RFC 8878), for the "zstd" content
// coding of HTTP requests and responses (content_coding.hpp).
//
// compress() makes one frame at a fast level (kZstdLevel) that records the
// content size and ends in a checksum, so a changed byte is refused rather
// than decoded into other bytes. decompress() treats its input as hostile:
//
//  - it streams the output in blocks and stops as soon as it would pass
//    max_bytes, so a small frame that expands to gigabytes (a decompression
//    bomb) costs at most max_bytes plus a block, whatever the frame's header
//    claims about the content size;
//  - it refuses a frame whose window (the history the decoder keeps, and
//    allocates before decoding) is larger than the smallest power of two at
//    or above max_bytes, bounded by 2^kMinWindowLog below (the largest window
//    zstd's standard levels choose, so any ordinary encoder interoperates)
//    and 2^kMaxWindowLog above;
//  - it accepts one or more whole frames (RFC 8878 section 3.1) and nothing
//    else: empty input, a truncated frame, bytes after the last frame that
//    are not a frame, or a checksum mismatch are refused.
//
// Thread safety: call from any thread. Each thread keeps one compression and
// one decompression context for reuse; one that grew past 4 MiB for a large
// body is freed after that body.

#include <cstddef>
#include <string>
#include <string_view>

namespace dspt::compression {

// The compression level: fast, for bodies made on a request's critical path.
inline constexpr int kZstdLevel = 3;

// The smallest window limit decompress() applies (8 MiB), whatever max_bytes.
inline constexpr int kMinWindowLog = 23;

// The largest window decompress() ever accepts (128 MiB, zstd's own default).
inline constexpr int kMaxWindowLog = 27;

// One zstd frame holding `data` (for an empty input, a frame holding nothing).
// Throws Error(ErrorCode::internal) if libzstd fails, which it does only
// when out of memory.
[[nodiscard]] std::string compress(std::string_view data);

// The bytes the zstd frames in `frames` hold, at most max_bytes of them.
// Throws Error(ErrorCode::limit_exceeded) when they hold more than max_bytes
// or need a larger window than allowed (above), and Error(ErrorCode::protocol)
// when `frames` is not one or more whole, intact zstd frames.
[[nodiscard]] std::string decompress(std::string_view frames, std::size_t max_bytes);

}  // namespace dspt::compression
