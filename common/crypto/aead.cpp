#include "common/crypto/aead.hpp"

#include <sodium.h>

#include "common/crypto/init.hpp"
#include "common/error.hpp"

namespace dspt::crypto {

static_assert(Aead::kNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(Aead::kTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);

namespace {

[[noreturn]] void fail_authentication() {
    fail(ErrorCode::authentication_failed,
         "sealed data failed authentication: it was changed, truncated or moved from where it "
         "was sealed, or the key is wrong");
}

// Zeroes out; libsodium's memzero is not called on a null, empty span.
void wipe(std::span<unsigned char> out) noexcept {
    if (!out.empty()) {
        sodium_memzero(out.data(), out.size());
    }
}

}  // namespace

Bytes Aead::seal(const SecretKey& key, ByteView plaintext, ByteView associated_data) {
    const ByteView k = key.checked_view();
    if (plaintext.size() > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX - kOverheadBytes) {
        fail(ErrorCode::invalid_argument, "plaintext too large to seal");
    }
    Bytes sealed(kNonceBytes + plaintext.size() + kTagBytes);
    unsigned char* nonce = sealed.data();
    randombytes_buf(nonce, kNonceBytes);
    unsigned long long written = 0;
    // libsodium accepts a null pointer for empty inputs only with a zero length,
    // which std::span guarantees.
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        sealed.data() + kNonceBytes, &written, plaintext.data(), plaintext.size(),
        associated_data.data(), associated_data.size(), nullptr, nonce, k.data());
    if (written != plaintext.size() + kTagBytes) {
        fail(ErrorCode::internal, "XChaCha20-Poly1305 wrote an unexpected length");
    }
    return sealed;
}

Bytes Aead::open(const SecretKey& key, ByteView sealed, ByteView associated_data) {
    key.checked_view();
    if (sealed.size() < kOverheadBytes) {
        fail_authentication();
    }
    Bytes plaintext(sealed.size() - kOverheadBytes);
    open_into(key, sealed, associated_data, plaintext);
    return plaintext;
}

void Aead::open_into(const SecretKey& key, ByteView sealed, ByteView associated_data,
                     std::span<unsigned char> out) {
    const ByteView k = key.checked_view();
    ensure_initialised();
    if (sealed.size() < kOverheadBytes || out.size() != sealed.size() - kOverheadBytes) {
        wipe(out);
        fail_authentication();
    }
    const ByteView nonce = sealed.first(kNonceBytes);
    const ByteView body = sealed.subspan(kNonceBytes);
    unsigned long long written = 0;
    // libsodium checks the tag before it decrypts anything; on failure it
    // zeroes the output, and we zero again so a failure never leaves plaintext.
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            out.data(), &written, nullptr, body.data(), body.size(), associated_data.data(),
            associated_data.size(), nonce.data(), k.data()) != 0 ||
        written != out.size()) {
        wipe(out);
        fail_authentication();
    }
}

}  // namespace dspt::crypto
