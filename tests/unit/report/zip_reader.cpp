#include "tests/unit/report/zip_reader.hpp"

#include <algorithm>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <zlib.h>

namespace dspt::report::testing {

namespace {

std::uint32_t le(const std::string& data, std::size_t at, int bytes) {
    if (at + static_cast<std::size_t>(bytes) > data.size()) {
        throw std::runtime_error("zip: truncated");
    }
    std::uint32_t value = 0;
    for (int i = bytes - 1; i >= 0; --i) {
        value = (value << 8) | static_cast<unsigned char>(data[at + static_cast<std::size_t>(i)]);
    }
    return value;
}

std::string inflate_raw(const std::string& compressed, std::size_t expected_size) {
    std::string out(expected_size, '\0');
    z_stream stream{};
    // Negative window bits: raw deflate, no zlib header, as in zip files.
    if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) {
        throw std::runtime_error("zip: inflateInit2 failed");
    }
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
    stream.avail_in = static_cast<uInt>(compressed.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    const int result = inflate(&stream, Z_FINISH);
    const auto produced = stream.total_out;
    inflateEnd(&stream);
    if (result != Z_STREAM_END || produced != expected_size) {
        throw std::runtime_error("zip: inflate failed");
    }
    return out;
}

}  // namespace

std::map<std::string, std::string> unzip(const std::string& archive) {
    // The end-of-central-directory record is the last thing in the file, followed
    // only by a comment of up to 64 KiB.
    constexpr std::uint32_t kEndSignature = 0x06054b50;
    constexpr std::uint32_t kCentralSignature = 0x02014b50;
    constexpr std::uint32_t kLocalSignature = 0x04034b50;
    if (archive.size() < 22) {
        throw std::runtime_error("zip: too short");
    }
    std::size_t end = archive.size() - 22;
    while (le(archive, end, 4) != kEndSignature) {
        if (end == 0 || archive.size() - end > 22 + 0xFFFF) {
            throw std::runtime_error("zip: no end of central directory");
        }
        --end;
    }
    const std::size_t count = le(archive, end + 10, 2);
    std::size_t at = le(archive, end + 16, 4);

    std::map<std::string, std::string> entries;
    for (std::size_t i = 0; i < count; ++i) {
        if (le(archive, at, 4) != kCentralSignature) {
            throw std::runtime_error("zip: bad central directory entry");
        }
        const auto method = le(archive, at + 10, 2);
        const std::size_t compressed_size = le(archive, at + 20, 4);
        const std::size_t size = le(archive, at + 24, 4);
        const std::size_t name_length = le(archive, at + 28, 2);
        const std::size_t extra_length = le(archive, at + 30, 2);
        const std::size_t comment_length = le(archive, at + 32, 2);
        const std::size_t local = le(archive, at + 42, 4);
        const std::string name = archive.substr(at + 46, name_length);
        at += 46 + name_length + extra_length + comment_length;

        if (le(archive, local, 4) != kLocalSignature) {
            throw std::runtime_error("zip: bad local header for " + name);
        }
        const std::size_t data =
            local + 30 + le(archive, local + 26, 2) + le(archive, local + 28, 2);
        if (data + compressed_size > archive.size()) {
            throw std::runtime_error("zip: truncated data for " + name);
        }
        const std::string raw = archive.substr(data, compressed_size);
        if (method == 0) {
            entries[name] = raw;
        } else if (method == 8) {
            entries[name] = inflate_raw(raw, size);
        } else {
            throw std::runtime_error("zip: unsupported method for " + name);
        }
    }
    return entries;
}

}  // namespace dspt::report::testing
