#pragma once
// Small, careful file helpers shared by the client and the server.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace dspt {

// The whole file as bytes in a string. Throws Error(ErrorCode::not_found) when
// it does not exist, Error(ErrorCode::limit_exceeded) when it is larger than
// `max_bytes`, and Error(ErrorCode::io) on any other failure, naming the path.
std::string read_file(const std::filesystem::path& path, std::size_t max_bytes);

// Writes `content` to `path` atomically: a temporary file beside it is written,
// flushed to disk and renamed over the target, so a crash leaves either the old
// file or the new one. `mode` applies to a newly created file.
void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                       unsigned mode = 0644);

}  // namespace dspt
