#include "common/crypto/password_kdf.hpp"

#include <charconv>
#include <utility>

#include <sodium.h>

#include "common/crypto/encoding.hpp"
#include "common/crypto/init.hpp"
#include "common/crypto/random.hpp"
#include "common/error.hpp"

namespace dspt::crypto {

static_assert(KdfParams::kSaltBytes == crypto_pwhash_argon2id_SALTBYTES);
static_assert(KdfParams::kAlgArgon2id13 == crypto_pwhash_ALG_ARGON2ID13);

namespace {

constexpr std::string_view kPrefix = "argon2id$v=19$m=";
constexpr std::string_view kAfterMemory = ",t=";
constexpr std::string_view kAfterOps = ",p=1$";
constexpr std::size_t kKiB = 1024;

[[noreturn]] void fail_parse(std::string_view why) {
    fail(ErrorCode::invalid_argument, "malformed Argon2id parameters: " + std::string(why));
}

// Consumes an expected literal from the front of text.
void expect(std::string_view& text, std::string_view literal) {
    if (!text.starts_with(literal)) {
        fail_parse("expected \"" + std::string(literal) + "\"");
    }
    text.remove_prefix(literal.size());
}

// Consumes a decimal number from the front of text. Leading zeros and signs
// are caught later by the canonical-form check in parse().
std::uint64_t read_number(std::string_view& text) {
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end == text.data()) {
        fail_parse("expected a decimal number");
    }
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    return value;
}

}  // namespace

KdfParams KdfParams::generate(KdfStrength strength) {
    KdfParams params;
    params.salt = random_bytes(kSaltBytes);
    params.alg = kAlgArgon2id13;
    switch (strength) {
        case KdfStrength::minimal:
            params.ops_limit = crypto_pwhash_argon2id_OPSLIMIT_MIN;
            params.mem_limit = crypto_pwhash_argon2id_MEMLIMIT_MIN;
            break;
        case KdfStrength::interactive:
            params.ops_limit = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
            params.mem_limit = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
            break;
        case KdfStrength::moderate:
            params.ops_limit = crypto_pwhash_argon2id_OPSLIMIT_MODERATE;
            params.mem_limit = crypto_pwhash_argon2id_MEMLIMIT_MODERATE;
            break;
    }
    params.validate();
    return params;
}

void KdfParams::validate() const {
    if (alg != kAlgArgon2id13) {
        fail(ErrorCode::invalid_argument, "unsupported password hashing algorithm " +
                                              std::to_string(alg) + " (only Argon2id v1.3)");
    }
    if (salt.size() != kSaltBytes) {
        fail(ErrorCode::invalid_argument, "an Argon2id salt must be " + std::to_string(kSaltBytes) +
                                              " bytes, not " + std::to_string(salt.size()));
    }
    if (ops_limit < crypto_pwhash_argon2id_opslimit_min() ||
        ops_limit > crypto_pwhash_argon2id_opslimit_max()) {
        fail(ErrorCode::invalid_argument,
             "Argon2id ops limit " + std::to_string(ops_limit) + " is out of range");
    }
    if (mem_limit < crypto_pwhash_argon2id_memlimit_min() ||
        mem_limit > crypto_pwhash_argon2id_memlimit_max()) {
        fail(ErrorCode::invalid_argument,
             "Argon2id memory limit " + std::to_string(mem_limit) + " is out of range");
    }
    if (mem_limit % kKiB != 0) {
        fail(ErrorCode::invalid_argument, "Argon2id memory limit " + std::to_string(mem_limit) +
                                              " is not a whole number of KiB");
    }
}

std::string KdfParams::serialise() const {
    validate();
    return std::string(kPrefix) + std::to_string(mem_limit / kKiB) + std::string(kAfterMemory) +
           std::to_string(ops_limit) + std::string(kAfterOps) + to_base64(salt);
}

KdfParams KdfParams::parse(std::string_view text) {
    std::string_view rest = text;
    expect(rest, kPrefix);
    const std::uint64_t memory_kib = read_number(rest);
    expect(rest, kAfterMemory);
    const std::uint64_t ops = read_number(rest);
    expect(rest, kAfterOps);

    if (memory_kib > crypto_pwhash_argon2id_memlimit_max() / kKiB) {
        fail_parse("memory limit out of range");
    }
    KdfParams params;
    params.mem_limit = static_cast<std::size_t>(memory_kib) * kKiB;
    params.ops_limit = ops;
    params.alg = kAlgArgon2id13;
    try {
        params.salt = from_base64(rest);
    } catch (const Error&) {
        fail_parse("the salt is not URL-safe base64");
    }
    params.validate();
    // One value, one spelling: rejects leading zeros, '+' signs and the like.
    if (params.serialise() != text) {
        fail_parse("not in canonical form");
    }
    return params;
}

SecretKey derive_key(std::string_view passphrase, const KdfParams& params) {
    params.validate();
    if (passphrase.size() > crypto_pwhash_argon2id_passwd_max()) {
        fail(ErrorCode::invalid_argument, "passphrase too long");
    }
    // crypto_pwhash requires non-null pointers even for an empty passphrase.
    const char* const passphrase_data = passphrase.data() != nullptr ? passphrase.data() : "";
    SecureBuffer key(SecretKey::kSize);
    if (crypto_pwhash(key.mutable_view().data(), key.size(), passphrase_data, passphrase.size(),
                      params.salt.data(), params.ops_limit, params.mem_limit, params.alg) != 0) {
        fail(ErrorCode::crypto, "Argon2id key derivation failed (could not use " +
                                    std::to_string(params.mem_limit / kKiB) + " KiB of memory?)");
    }
    return SecretKey(std::move(key));
}

}  // namespace dspt::crypto
