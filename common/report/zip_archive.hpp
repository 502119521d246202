#pragma once
// Reading named entries out of a ZIP archive held in memory, as an XLSX
// workbook is one (xlsx_reader.hpp). Built for files from outside: every
// offset and size is checked against the bytes there are before it is used,
// and inflating stops at a budget, so a damaged or hostile archive is refused
// with a message instead of reading out of bounds or filling memory.
//
// Supported: entries stored (method 0) or deflated (method 8), with their
// CRC-32 checked. Refused: ZIP64, encryption, other methods, more than
// kMaxZipEntries entries, an entry declaring more than kMaxInflatedBytes, and
// entries whose inflated sizes add up to more than that (a "zip bomb").
//
// Errors: Error(ErrorCode::invalid_argument, "<origin>: <reason>"), or
// limit_exceeded for the bounds above. Pure and thread-safe.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dspt::report {

inline constexpr std::size_t kMaxZipEntries = 10'000;
inline constexpr std::size_t kMaxInflatedBytes = 64 * 1024 * 1024;

class ZipArchive {
  public:
    // Reads the central directory of `bytes`, which must outlive the archive.
    ZipArchive(std::string_view bytes, std::string origin);

    // The names of the entries, in the order of the central directory.
    std::vector<std::string> names() const;

    // The content of the entry named `name`, or nullopt when there is none.
    // Counts against the archive's budget of kMaxInflatedBytes over every
    // entry read.
    std::optional<std::string> read(std::string_view name);

  private:
    struct Entry {
        std::string name;
        unsigned method = 0;
        std::size_t compressed_size = 0;
        std::size_t size = 0;
        std::uint32_t crc = 0;
        std::size_t local_offset = 0;
    };

    [[noreturn]] void fail_with(const std::string& reason) const;
    std::string inflate_entry(const Entry& entry, std::string_view data) const;

    std::string_view bytes_;
    std::string origin_;
    std::vector<Entry> entries_;
    std::size_t inflated_ = 0;  // bytes read so far, against kMaxInflatedBytes
};

}  // namespace dspt::report
