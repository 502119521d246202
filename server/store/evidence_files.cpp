#include "server/store/evidence_files.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include "common/crypto/encoding.hpp"
#include "common/crypto/random.hpp"
#include "common/error.hpp"

namespace dspt::server::store {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail_errno(const std::string& what, const fs::path& path, int error) {
    fail(ErrorCode::io, what + " " + path.string() + ": " + std::strerror(error));
}

// Closes a descriptor when it goes out of scope.
class Descriptor {
  public:
    explicit Descriptor(int fd) noexcept : fd_(fd) {}
    ~Descriptor() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;

    int get() const noexcept { return fd_; }
    void reset(int fd) noexcept {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = fd;
    }
    // Closes now; false (errno set) when closing reported an error.
    bool close() noexcept {
        const int fd = fd_;
        fd_ = -1;
        return ::close(fd) == 0;
    }

  private:
    int fd_;
};

void sync_directory(const fs::path& dir) {
    const Descriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
        fail_errno("cannot flush the directory", dir, errno);
    }
}

// Creates `dir` with mode 0700 if missing, and flushes its parent so the new entry
// survives a power cut.
void make_directory(const fs::path& dir) {
    if (::mkdir(dir.c_str(), 0700) == 0) {
        sync_directory(dir.parent_path());
    } else if (errno != EEXIST) {
        fail_errno("cannot create the directory", dir, errno);
    }
}

bool name_character(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' || c == '.';
}

bool valid_name(std::string_view name) {
    if (name.size() < 3 || name.front() == '.' || name.find("..") != std::string_view::npos) {
        return false;
    }
    for (const char c : name) {
        if (!name_character(c)) {
            return false;
        }
    }
    return true;
}

}  // namespace

fs::path EvidenceFiles::directory_in(const fs::path& data_dir) {
    return data_dir / "evidence";
}

EvidenceFiles::EvidenceFiles(fs::path directory) : directory_(std::move(directory)) {
    make_directory(directory_);
}

fs::path EvidenceFiles::path_of(std::string_view name) const {
    if (!valid_name(name)) {
        fail(ErrorCode::invalid_argument,
             "\"" + std::string(name) + "\" is not the name of an evidence chunk file");
    }
    return directory_ / std::string(name.substr(0, 2)) / std::string(name);
}

std::string EvidenceFiles::write(std::string_view evidence_id, std::uint32_t index,
                                 crypto::ByteView sealed) const {
    const std::string name = std::string(evidence_id) + "." + std::to_string(index) + "." +
                             crypto::to_hex(crypto::random_bytes(8));
    const auto path = path_of(name);
    const auto create = [&] {
        make_shard(path.parent_path());
        return ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    };
    Descriptor fd(create());
    if (fd.get() < 0 && errno == ENOENT) {  // the shard was removed since it was made
        {
            const std::lock_guard lock(shards_mutex_);
            shards_made_.erase(path.parent_path().filename().string());
        }
        fd.reset(create());
    }
    if (fd.get() < 0) {
        fail_errno("cannot create", path, errno);
    }
    int error = 0;
    std::size_t written = 0;
    while (error == 0 && written < sealed.size()) {
        const auto n = ::write(fd.get(), sealed.data() + written, sealed.size() - written);
        if (n > 0) {
            written += static_cast<std::size_t>(n);
        } else if (n == 0) {
            error = EIO;  // no progress: never loop on it
        } else if (errno != EINTR) {
            error = errno;
        }
    }
    if (error == 0 && ::fdatasync(fd.get()) != 0) {
        error = errno;
    }
    if (!fd.close() && error == 0) {
        error = errno;
    }
    if (error == 0) {
        try {
            sync_directory(path.parent_path());
            return name;
        } catch (...) {
            ::unlink(path.c_str());
            throw;
        }
    }
    ::unlink(path.c_str());
    fail_errno("cannot write", path, error);
}

void EvidenceFiles::make_shard(const fs::path& shard) const {
    auto key = shard.filename().string();
    const std::lock_guard lock(shards_mutex_);
    if (shards_made_.count(key) == 0) {
        make_directory(shard);
        shards_made_.insert(std::move(key));
    }
}

std::optional<crypto::Bytes> EvidenceFiles::read(std::string_view name, std::uint64_t bytes) const {
    const auto path = path_of(name);
    const Descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        if (errno == ENOENT) {
            return std::nullopt;
        }
        fail_errno("cannot open", path, errno);
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) {
        fail_errno("cannot read", path, errno);
    }
    if (static_cast<std::uint64_t>(info.st_size) != bytes) {
        fail(ErrorCode::corrupt, "the evidence chunk file " + path.string() + " holds " +
                                     std::to_string(info.st_size) + " bytes, not the " +
                                     std::to_string(bytes) + " the store recorded");
    }
    crypto::Bytes chunk(static_cast<std::size_t>(bytes));
    std::size_t done = 0;
    while (done < chunk.size()) {
        const auto n = ::read(fd.get(), chunk.data() + done, chunk.size() - done);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
        } else if (n == 0) {
            fail(ErrorCode::corrupt, "the evidence chunk file " + path.string() + " ended after " +
                                         std::to_string(done) + " bytes");
        } else if (errno != EINTR) {
            fail_errno("cannot read", path, errno);
        }
    }
    return chunk;
}

void EvidenceFiles::remove(std::string_view name) const noexcept {
    if (valid_name(name)) {
        ::unlink(path_of(name).c_str());
    }
}

std::uint64_t EvidenceFiles::sweep(const std::set<std::string, std::less<>>& named,
                                   std::int64_t before_ms) const {
    std::uint64_t removed = 0;
    std::error_code ec;
    for (fs::directory_iterator shard(directory_, ec), end; !ec && shard != end;
         shard.increment(ec)) {
        if (!shard->is_directory(ec)) {
            continue;
        }
        std::error_code inner;
        for (fs::directory_iterator file(shard->path(), inner); !inner && file != end;
             file.increment(inner)) {
            const auto name = file->path().filename().string();
            struct stat info {};
            if (named.count(name) > 0 || !valid_name(name) ||
                ::lstat(file->path().c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
                continue;
            }
            const std::int64_t written_ms =
                static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000 +
                static_cast<std::int64_t>(info.st_mtim.tv_nsec / 1000000);
            if (written_ms < before_ms && ::unlink(file->path().c_str()) == 0) {
                ++removed;
            }
        }
    }
    return removed;
}

}  // namespace dspt::server::store
