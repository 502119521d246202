#include "server/store/shared_counter.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.hpp"

namespace dspt::server::store {

namespace {

static_assert(std::atomic_ref<std::uint64_t>::is_always_lock_free,
              "the counter is shared between processes: it must be lock-free");

[[noreturn]] void fail_counter(const std::filesystem::path& path, const char* what) {
    fail(ErrorCode::io, std::string("the counter file ") + path.string() + ": " + what + ": " +
                            std::strerror(errno));
}

}  // namespace

SharedCounter::SharedCounter(const std::filesystem::path& path,
                             const std::filesystem::path& owner_like) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        fail_counter(path, "cannot open");
    }
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        ::close(fd);
        fail_counter(path, "cannot read its size");
    }
    // A new file is empty: give it its eight zero bytes. Two processes making it at
    // once both extend it to the same size, which changes nothing the second time.
    if (info.st_size == 0 && ::ftruncate(fd, sizeof(std::uint64_t)) != 0) {
        ::close(fd);
        fail_counter(path, "cannot size");
    }
    if (info.st_size != 0 && info.st_size != static_cast<off_t>(sizeof(std::uint64_t))) {
        ::close(fd);
        errno = EINVAL;
        fail_counter(path, "is not a counter (wrong size)");
    }
    struct stat owner {};
    if (::geteuid() == 0 && ::stat(owner_like.c_str(), &owner) == 0 &&
        (info.st_uid != owner.st_uid || info.st_gid != owner.st_gid) &&
        ::fchown(fd, owner.st_uid, owner.st_gid) != 0) {
        ::close(fd);
        fail_counter(path, "cannot give it the database's owner");
    }
    void* mapped =
        ::mmap(nullptr, sizeof(std::uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);  // the mapping keeps the file
    if (mapped == MAP_FAILED) {
        fail_counter(path, "cannot map");
    }
    value_ = static_cast<std::uint64_t*>(mapped);
}

SharedCounter::~SharedCounter() {
    ::munmap(value_, sizeof(std::uint64_t));
}

std::uint64_t SharedCounter::load() const noexcept {
    return std::atomic_ref<std::uint64_t>(*value_).load(std::memory_order_acquire);
}

std::uint64_t SharedCounter::increment() noexcept {
    return std::atomic_ref<std::uint64_t>(*value_).fetch_add(1, std::memory_order_acq_rel) + 1;
}

}  // namespace dspt::server::store
