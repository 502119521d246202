#pragma once
// A zip archive (PKWARE APPNOTE 6.3) of a few small files, built in memory with
// every entry stored, not compressed: what an Office Open XML document such as
// a .docx needs, and nothing more (no ZIP64, no encryption, no directories).
// Each entry carries its CRC-32 (zlib's crc32) in the local header and the
// central directory, so any unzip tool checks it. Timestamps are a fixed
// 1980-01-01, so the same entries give the same bytes.
//
// Pure; safe from any thread.

#include <string>
#include <vector>

namespace dspt::report {

struct ZipEntry {
    std::string name;  // a relative path with '/' separators, e.g. "word/document.xml"
    std::string content;
};

// The whole archive. Throws Error(ErrorCode::limit_exceeded) when an entry or
// the archive would not fit the 32-bit sizes and offsets of a plain zip, or
// there are more than 65,535 entries.
std::string zip_stored(const std::vector<ZipEntry>& entries);

}  // namespace dspt::report
