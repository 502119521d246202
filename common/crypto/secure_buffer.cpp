#include "common/crypto/secure_buffer.hpp"

#include <algorithm>
#include <utility>

#include "common/crypto/guarded_blocks.hpp"
#include "common/crypto/init.hpp"
#include "common/error.hpp"

namespace dspt::crypto {

SecureBuffer::SecureBuffer(std::size_t size) {
    if (size == 0) {
        return;
    }
    ensure_initialised();
    data_ = guarded::allocate(size);
    if (data_ == nullptr) {
        fail(ErrorCode::crypto, "could not allocate guarded memory for a secret");
    }
    size_ = size;
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
        guarded::release(data_, size_);  // wipes the bytes
    }
    data_ = nullptr;
    size_ = 0;
}

}  // namespace dspt::crypto
