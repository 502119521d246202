#include "common/crypto/secure_buffer.hpp"

#include <algorithm>
#include <utility>

#include <sodium.h>

#include "common/crypto/init.hpp"
#include "common/error.hpp"

namespace dspt::crypto {

SecureBuffer::SecureBuffer(std::size_t size) {
    if (size == 0) {
        return;
    }
    ensure_initialised();
    // sodium_malloc ignores a failed mlock and returns NULL only when it
    // cannot map the pages.
    data_ = static_cast<unsigned char*>(sodium_malloc(size));
    if (data_ == nullptr) {
        fail(ErrorCode::crypto, "could not allocate guarded memory for a secret");
    }
    size_ = size;
    // sodium_malloc fills with 0xdb to expose use of uninitialised memory; we
    // promise zeroes.
    sodium_memzero(data_, size_);
}

SecureBuffer SecureBuffer::copy_of(ByteView bytes) {
    SecureBuffer buffer(bytes.size());
    std::copy(bytes.begin(), bytes.end(), buffer.mutable_view().begin());
    return buffer;
}

SecureBuffer::~SecureBuffer() {
    reset();
}

SecureBuffer::SecureBuffer(SecureBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

SecureBuffer& SecureBuffer::operator=(SecureBuffer&& other) noexcept {
    if (this != &other) {
        reset();
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

void SecureBuffer::reset() noexcept {
    if (data_ != nullptr) {
        // sodium_free also zeroes, but say so here rather than rely on it.
        sodium_memzero(data_, size_);
        sodium_free(data_);
    }
    data_ = nullptr;
    size_ = 0;
}

}  // namespace dspt::crypto
