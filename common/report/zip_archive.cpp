#include "common/report/zip_archive.hpp"

#include <cstdint>
#include <zlib.h>

#include "common/error.hpp"

namespace dspt::report {

namespace {

constexpr std::uint32_t kEndSignature = 0x06054b50;
constexpr std::uint32_t kCentralSignature = 0x02014b50;
constexpr std::uint32_t kLocalSignature = 0x04034b50;
constexpr std::size_t kEndRecordBytes = 22;
constexpr std::size_t kCentralHeaderBytes = 46;
constexpr std::size_t kLocalHeaderBytes = 30;
constexpr std::size_t kMaxCommentBytes = 0xFFFF;

// The little-endian number of `width` bytes at `at`, or nullopt past the end.
std::optional<std::uint32_t> le(std::string_view data, std::size_t at, std::size_t width) {
    if (at > data.size() || data.size() - at < width) {
        return std::nullopt;
    }
    std::uint32_t value = 0;
    for (std::size_t i = width; i-- > 0;) {
        value = (value << 8) | static_cast<unsigned char>(data[at + i]);
    }
    return value;
}

}  // namespace

void ZipArchive::fail_with(const std::string& reason) const {
    fail(ErrorCode::invalid_argument, origin_ + ": " + reason);
}

ZipArchive::ZipArchive(std::string_view bytes, std::string origin)
    : bytes_(bytes), origin_(std::move(origin)) {
    const auto field = [this](std::size_t at, std::size_t width) {
        const auto value = le(bytes_, at, width);
        if (!value) {
            fail_with("not a complete ZIP archive (it ends too soon)");
        }
        return static_cast<std::size_t>(*value);
    };
    if (bytes_.size() < kEndRecordBytes) {
        fail_with("not a ZIP archive (an XLSX workbook is one): too short");
    }
    // The end record is last, followed only by a comment of up to 64 KiB.
    std::size_t end = bytes_.size() - kEndRecordBytes;
    while (field(end, 4) != kEndSignature) {
        if (end == 0 || bytes_.size() - end >= kEndRecordBytes + kMaxCommentBytes) {
            fail_with("not a ZIP archive (an XLSX workbook is one), or a truncated one");
        }
        --end;
    }
    const std::size_t count = field(end + 10, 2);
    const std::size_t directory_size = field(end + 12, 4);
    std::size_t at = field(end + 16, 4);
    if (count == 0xFFFF || at == 0xFFFFFFFF || directory_size == 0xFFFFFFFF) {
        fail_with("a ZIP64 archive is not supported");
    }
    if (count > kMaxZipEntries) {
        fail(ErrorCode::limit_exceeded, origin_ + ": the archive has " + std::to_string(count) +
                                            " entries; at most " + std::to_string(kMaxZipEntries) +
                                            " are read");
    }
    if (at > end || end - at < directory_size) {
        fail_with("the ZIP central directory lies outside the file (truncated?)");
    }
    entries_.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        if (field(at, 4) != kCentralSignature) {
            fail_with("damaged ZIP central directory (entry " + std::to_string(i + 1) + ")");
        }
        Entry entry;
        const std::size_t flags = field(at + 8, 2);
        entry.method = static_cast<unsigned>(field(at + 10, 2));
        entry.crc = static_cast<std::uint32_t>(field(at + 16, 4));
        entry.compressed_size = field(at + 20, 4);
        entry.size = field(at + 24, 4);
        const std::size_t name_length = field(at + 28, 2);
        const std::size_t extra_length = field(at + 30, 2);
        const std::size_t comment_length = field(at + 32, 2);
        entry.local_offset = field(at + 42, 4);
        const std::size_t next =
            at + kCentralHeaderBytes + name_length + extra_length + comment_length;
        if (next > end) {
            fail_with("damaged ZIP central directory (entry " + std::to_string(i + 1) + ")");
        }
        entry.name = std::string(bytes_.substr(at + kCentralHeaderBytes, name_length));
        if ((flags & 1U) != 0) {
            fail_with("entry " + entry.name + " is encrypted");
        }
        entries_.push_back(std::move(entry));
        at = next;
    }
}

std::vector<std::string> ZipArchive::names() const {
    std::vector<std::string> names;
    names.reserve(entries_.size());
    for (const auto& entry : entries_) {
        names.push_back(entry.name);
    }
    return names;
}

std::string ZipArchive::inflate_entry(const Entry& entry, std::string_view data) const {
    std::string out(entry.size, '\0');
    z_stream stream{};
    // Negative window bits: raw deflate, no zlib header, as in ZIP files.
    if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) {
        fail(ErrorCode::internal, origin_ + ": zlib could not start inflating");
    }
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    // One byte more than declared, so content longer than its entry says is caught.
    std::string spare(1, '\0');
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    int result = inflate(&stream, Z_FINISH);
    if (result != Z_STREAM_END && stream.avail_out == 0) {
        stream.next_out = reinterpret_cast<Bytef*>(spare.data());
        stream.avail_out = 1;
        result = inflate(&stream, Z_FINISH);
    }
    const auto produced = stream.total_out;
    inflateEnd(&stream);
    if (result != Z_STREAM_END || produced != entry.size) {
        fail_with("entry " + entry.name + " is damaged: it does not inflate to its " +
                  std::to_string(entry.size) + " bytes");
    }
    return out;
}

std::optional<std::string> ZipArchive::read(std::string_view name) {
    const Entry* found = nullptr;
    for (const auto& entry : entries_) {
        if (entry.name == name) {
            found = &entry;
            break;
        }
    }
    if (found == nullptr) {
        return std::nullopt;
    }
    const Entry& entry = *found;
    if (entry.compressed_size == 0xFFFFFFFF || entry.size == 0xFFFFFFFF) {
        fail_with("entry " + entry.name + " needs ZIP64, which is not supported");
    }
    if (entry.size > kMaxInflatedBytes - inflated_) {
        fail(ErrorCode::limit_exceeded, origin_ + ": entry " + entry.name + " inflates to " +
                                            std::to_string(entry.size) + " bytes; at most " +
                                            std::to_string(kMaxInflatedBytes) +
                                            " bytes are read from a workbook");
    }
    // Deflate expands at most about 1032 to 1: a larger claim is a damaged
    // entry, refused before any memory is set aside for it.
    if (entry.method == 8 && entry.size / 1032 > entry.compressed_size + 1) {
        fail_with("entry " + entry.name + " is damaged: " + std::to_string(entry.compressed_size) +
                  " bytes cannot inflate to " + std::to_string(entry.size));
    }
    const auto local = le(bytes_, entry.local_offset, 4);
    const auto local_name = le(bytes_, entry.local_offset + 26, 2);
    const auto local_extra = le(bytes_, entry.local_offset + 28, 2);
    if (!local || *local != kLocalSignature || !local_name || !local_extra) {
        fail_with("entry " + entry.name + " has a damaged header (truncated?)");
    }
    const std::size_t start = entry.local_offset + kLocalHeaderBytes + *local_name + *local_extra;
    if (start > bytes_.size() || bytes_.size() - start < entry.compressed_size) {
        fail_with("entry " + entry.name + " is cut short (the file is truncated)");
    }
    const auto data = bytes_.substr(start, entry.compressed_size);
    std::string content;
    if (entry.method == 0) {
        if (entry.compressed_size != entry.size) {
            fail_with("entry " + entry.name + " is damaged: its sizes disagree");
        }
        content = std::string(data);
    } else if (entry.method == 8) {
        content = inflate_entry(entry, data);
    } else {
        fail_with("entry " + entry.name + " uses compression method " +
                  std::to_string(entry.method) + "; only stored and deflated are read");
    }
    const auto crc = crc32(0L, reinterpret_cast<const Bytef*>(content.data()),
                           static_cast<uInt>(content.size()));
    if (crc != entry.crc) {
        fail_with("entry " + entry.name + " is damaged: its checksum does not match");
    }
    inflated_ += content.size();
    return content;
}

}  // namespace dspt::report
