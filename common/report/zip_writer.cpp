#include "common/report/zip_writer.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <zlib.h>

#include "common/error.hpp"

namespace dspt::report {

namespace {

constexpr std::uint32_t kLocalHeader = 0x04034b50;
constexpr std::uint32_t kCentralHeader = 0x02014b50;
constexpr std::uint32_t kEndOfCentral = 0x06054b50;
constexpr std::uint16_t kVersion = 20;                       // 2.0: the baseline every reader knows
constexpr std::uint16_t kUtf8Names = 1U << 11;               // general purpose bit 11
constexpr std::uint16_t kDosDate = (0 << 9) | (1 << 5) | 1;  // 1980-01-01
constexpr std::uint64_t kMax32 = std::numeric_limits<std::uint32_t>::max();

void put16(std::string& out, std::uint16_t value) {
    out.push_back(static_cast<char>(value & 0xFF));
    out.push_back(static_cast<char>(value >> 8));
}

void put32(std::string& out, std::uint32_t value) {
    put16(out, static_cast<std::uint16_t>(value & 0xFFFF));
    put16(out, static_cast<std::uint16_t>(value >> 16));
}

std::uint32_t crc_of(const std::string& content) {
    uLong crc = crc32(0L, Z_NULL, 0);
    const auto* data = reinterpret_cast<const Bytef*>(content.data());
    std::size_t left = content.size();
    while (left > 0) {
        const auto piece = static_cast<uInt>(std::min<std::size_t>(left, 1U << 30));
        crc = crc32(crc, data, piece);
        data += piece;
        left -= piece;
    }
    return static_cast<std::uint32_t>(crc);
}

// The fields the local header and the central directory entry share, from
// "version needed" to the name's length.
void put_common(std::string& out, const ZipEntry& entry, std::uint32_t crc) {
    put16(out, kVersion);
    put16(out, kUtf8Names);
    put16(out, 0);  // stored
    put16(out, 0);  // time 00:00:00
    put16(out, kDosDate);
    put32(out, crc);
    put32(out, static_cast<std::uint32_t>(entry.content.size()));  // compressed
    put32(out, static_cast<std::uint32_t>(entry.content.size()));  // uncompressed
    put16(out, static_cast<std::uint16_t>(entry.name.size()));
    put16(out, 0);  // extra field length
}

}  // namespace

std::string zip_stored(const std::vector<ZipEntry>& entries) {
    if (entries.size() > 0xFFFF) {
        fail(ErrorCode::limit_exceeded, "a zip archive holds at most 65,535 entries");
    }
    std::string out;
    std::string central;
    for (const auto& entry : entries) {
        if (entry.content.size() > kMax32 || entry.name.size() > 0xFFFF || out.size() > kMax32) {
            fail(ErrorCode::limit_exceeded, "the zip entry " + entry.name + " is too large");
        }
        const auto crc = crc_of(entry.content);
        const auto offset = static_cast<std::uint32_t>(out.size());
        put32(out, kLocalHeader);
        put_common(out, entry, crc);
        out += entry.name;
        out += entry.content;

        put32(central, kCentralHeader);
        put16(central, kVersion);  // made by
        put_common(central, entry, crc);
        put16(central, 0);  // comment length
        put16(central, 0);  // disk number
        put16(central, 0);  // internal attributes
        put32(central, 0);  // external attributes
        put32(central, offset);
        central += entry.name;
    }
    if (out.size() + central.size() > kMax32) {
        fail(ErrorCode::limit_exceeded, "the zip archive is larger than 4 GiB");
    }
    const auto central_offset = static_cast<std::uint32_t>(out.size());
    out += central;
    put32(out, kEndOfCentral);
    put16(out, 0);  // this disk
    put16(out, 0);  // the disk where the central directory starts
    put16(out, static_cast<std::uint16_t>(entries.size()));
    put16(out, static_cast<std::uint16_t>(entries.size()));
    put32(out, static_cast<std::uint32_t>(central.size()));
    put32(out, central_offset);
    put16(out, 0);  // comment length
    return out;
}

}  // namespace dspt::report
