#include "protocol/enrolment_code.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "common/crypto/blake2b.hpp"
#include "common/crypto/encoding.hpp"
#include "common/crypto/key_wrap.hpp"
#include "common/crypto/random.hpp"
#include "common/error.hpp"
#include "common/text.hpp"

namespace dspt::protocol {

namespace {

constexpr std::string_view kEnrolAuth = "dspt-enrol-auth";
constexpr std::string_view kEnrolSeal = "dspt-enrol-seal";
constexpr std::string_view kRecoveryAuth = "dspt-recovery-auth";
constexpr std::string_view kRecoverySeal = "dspt-recovery-seal";

// Overwrites bytes through a volatile pointer, so the stores are not removed
// as dead before the vector frees its memory.
void wipe(crypto::Bytes& bytes) noexcept {
    volatile unsigned char* p = bytes.data();
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        p[i] = 0;
    }
}

// K: the 16-byte secret expanded to the 32-byte key that keyed BLAKE2b takes.
crypto::SecretKey code_key(crypto::ByteView secret) {
    if (secret.size() != EnrolmentCode::kSecretBytes) {
        fail(ErrorCode::invalid_argument, "a code secret has " +
                                              std::to_string(EnrolmentCode::kSecretBytes) +
                                              " bytes, not " + std::to_string(secret.size()));
    }
    crypto::Bytes digest = crypto::blake2b(secret, crypto::SecretKey::kSize);
    crypto::SecretKey key = crypto::SecretKey::from_bytes(digest);
    wipe(digest);
    return key;
}

[[noreturn]] void malformed(const std::string& why) {
    fail(ErrorCode::invalid_argument, "not a valid code: " + why);
}

std::string organisation_key_ad(const EnrolmentCode& code, CodePurpose purpose) {
    return std::string("dspt organisation key\n") +
           (purpose == CodePurpose::enrolment ? "enrolment\n" : "recovery\n") + code.token_id();
}

}  // namespace

EnrolmentCode::EnrolmentCode(std::string token_id, crypto::SecureBuffer secret)
    : token_id_(std::move(token_id)), secret_(std::move(secret)) {}

EnrolmentCode EnrolmentCode::generate() {
    crypto::Bytes secret = crypto::random_bytes(kSecretBytes);
    crypto::SecureBuffer guarded = crypto::SecureBuffer::copy_of(secret);
    wipe(secret);
    return EnrolmentCode(crypto::to_hex(crypto::random_bytes(kTokenIdBytes)), std::move(guarded));
}

bool EnrolmentCode::is_token_id(std::string_view text) noexcept {
    return text.size() == kTokenIdChars && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

std::string EnrolmentCode::token_id_of(std::string_view text) {
    text = trim(text);
    const auto id = text.substr(0, text.find('-'));
    if (!is_token_id(id)) {
        fail(ErrorCode::invalid_argument,
             "a code's id is the 16 lower-case hex characters before its '-'");
    }
    return std::string(id);
}

EnrolmentCode EnrolmentCode::parse(std::string_view text) {
    text = trim(text);
    if (text.size() != kChars) {
        malformed("a code has " + std::to_string(kChars) + " characters (16, '-', 22), not " +
                  std::to_string(text.size()));
    }
    if (!is_token_id(text.substr(0, kTokenIdChars))) {
        malformed("its first 16 characters must be lower-case hex (0-9, a-f)");
    }
    if (text[kTokenIdChars] != '-') {
        malformed("character 17 must be '-'");
    }
    crypto::Bytes secret;
    try {
        secret = crypto::from_base64(text.substr(kTokenIdChars + 1));
    } catch (const Error&) {
        const auto tail = text.substr(kTokenIdChars + 1);
        const bool letters_allowed = std::all_of(tail.begin(), tail.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_';
        });
        if (letters_allowed) {
            // Every character may appear in a code, but these do not make one.
            malformed(
                "it is not a code this server issued, or it was mistyped: check it "
                "character by character against the code you were given");
        }
        malformed("its last 22 characters are not a valid secret (A-Z a-z 0-9 - _)");
    }
    if (secret.size() != kSecretBytes) {  // cannot happen for 22 characters; kept as a guard
        malformed("its last 22 characters are not a 16-byte secret");
    }
    crypto::SecureBuffer guarded = crypto::SecureBuffer::copy_of(secret);
    wipe(secret);
    return EnrolmentCode(std::string(text.substr(0, kTokenIdChars)), std::move(guarded));
}

std::string EnrolmentCode::to_string() const {
    return token_id_ + "-" + crypto::to_base64(secret_.view());
}

crypto::Bytes auth_key(crypto::ByteView secret, CodePurpose purpose) {
    const crypto::SecretKey key = code_key(secret);
    return crypto::blake2b_keyed(
        key, crypto::as_byte_view(purpose == CodePurpose::enrolment ? kEnrolAuth : kRecoveryAuth));
}

crypto::Bytes verifier(crypto::ByteView auth_key) {
    return crypto::blake2b(auth_key);
}

crypto::SecretKey seal_key(crypto::ByteView secret, CodePurpose purpose) {
    const crypto::SecretKey key = code_key(secret);
    crypto::Bytes derived = crypto::blake2b_keyed(
        key, crypto::as_byte_view(purpose == CodePurpose::enrolment ? kEnrolSeal : kRecoverySeal));
    crypto::SecretKey sealing = crypto::SecretKey::from_bytes(derived);
    wipe(derived);
    return sealing;
}

crypto::Bytes seal_organisation_key(const EnrolmentCode& code, CodePurpose purpose,
                                    const crypto::SecretKey& organisation_key) {
    const crypto::SecretKey kek = seal_key(code.secret(), purpose);
    return crypto::wrap_key(kek, organisation_key,
                            crypto::as_byte_view(organisation_key_ad(code, purpose)));
}

crypto::SecretKey open_organisation_key(const EnrolmentCode& code, CodePurpose purpose,
                                        crypto::ByteView envelope) {
    const crypto::SecretKey kek = seal_key(code.secret(), purpose);
    return crypto::unwrap_key(kek, envelope,
                              crypto::as_byte_view(organisation_key_ad(code, purpose)));
}

}  // namespace dspt::protocol
