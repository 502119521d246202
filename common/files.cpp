#include "common/files.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <unistd.h>

#include "common/error.hpp"

namespace dspt {

namespace {

[[noreturn]] void fail_io(const std::string& what, const std::filesystem::path& path) {
    fail(ErrorCode::io, what + " " + path.string() + ": " + std::strerror(errno));
}

}  // namespace

std::string read_file(const std::filesystem::path& path, std::size_t max_bytes) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) {
        if (!std::filesystem::exists(path)) {
            fail(ErrorCode::not_found, "no such file: " + path.string());
        }
        fail(ErrorCode::io, "cannot read " + path.string() + ": " + ec.message());
    }
    if (size > max_bytes) {
        fail(ErrorCode::limit_exceeded, path.string() + " is " + std::to_string(size) +
                                            " bytes; the limit is " + std::to_string(max_bytes));
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        fail_io("cannot open", path);
    }
    std::string content(static_cast<std::size_t>(size), '\0');
    in.read(content.data(), static_cast<std::streamsize>(content.size()));
    if (static_cast<std::size_t>(in.gcount()) != content.size()) {
        fail(ErrorCode::io, "short read from " + path.string());
    }
    return content;
}

void write_file_atomic(const std::filesystem::path& path, std::string_view content, unsigned mode) {
    const auto temp = path.string() + ".tmp";
    const int fd =
        ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, static_cast<mode_t>(mode));
    if (fd < 0) {
        fail_io("cannot create", temp);
    }
    std::size_t written = 0;
    while (written < content.size()) {
        const auto n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            ::close(fd);
            ::unlink(temp.c_str());
            fail_io("cannot write", temp);
        }
        written += static_cast<std::size_t>(n);
    }
    const bool synced = ::fsync(fd) == 0;
    const bool closed = ::close(fd) == 0;
    if (!synced || !closed) {
        ::unlink(temp.c_str());
        fail_io("cannot flush", temp);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        ::unlink(temp.c_str());
        fail_io("cannot replace", path);
    }
}

}  // namespace dspt
