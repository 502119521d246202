#pragma once
// Enrolment and recovery codes, and the keys derived from them
// (docs/security.md, "Enrolment codes and recovery codes").
//
// Format: "<token id>-<secret>", 39 characters, e.g.
//
//   3f2a9c0d17e4b5a6-q3VnK0c9yT1_xW2mZpL4Aw
//
//   token id  16 lower-hex characters (8 random bytes): names the invitation
//             on the server; not secret.
//   secret    16 random bytes (128 bits) in unpadded base64url, 22 characters;
//             it never leaves the two devices and the person carrying it.
// The secret's alphabet includes '-', which is harmless: the token id has a
// fixed length, so the first '-' after it is the separator.
//
// What the secret gives (all derivations are deterministic):
//
//   K          = BLAKE2b-256(secret)            (expands 16 bytes to a 32-byte key)
//   auth_key   = BLAKE2b-256 keyed with K of "dspt-enrol-auth"
//   verifier   = BLAKE2b-256(auth_key)
//   seal_key   = BLAKE2b-256 keyed with K of "dspt-enrol-seal"
//
// The inviting device sends the verifier (InviteRequest) and seals the
// organisation key under seal_key; the enrolling device sends auth_key
// (EnrolRequest), the server hashes it and compares with the verifier, and the
// device opens the organisation key with seal_key. The server sees only
// auth_key and the verifier; seal_key is a PRF output under K with another
// label, so neither reveals it (nor K, nor the secret).
//
// Recovery codes: the same format and the same derivations, with the labels
// "dspt-recovery-auth" and "dspt-recovery-seal" (CodePurpose::recovery), so a
// recovery code and an enrolment code never open each other's envelopes even
// if a person mixes them up. The organisation's first device makes one and
// prints it; the organisation key sealed under its seal_key is kept by the
// server (PUT /v1/org/recovery). A recovery code's token id is only a label
// the person can read back; it is bound into the envelope (see below). 128
// random bits are far beyond an offline search, so the longer-lived recovery
// code does not need a longer secret.
//
// Thread safety: EnrolmentCode is a value (move-only, like the SecureBuffer
// holding its secret); the free functions are stateless.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/crypto/bytes.hpp"
#include "common/crypto/secret_key.hpp"
#include "common/crypto/secure_buffer.hpp"

namespace dspt::protocol {

// What a code is for; selects the derivation labels.
enum class CodePurpose : std::uint8_t {
    enrolment,  // one device joins, once, before the code expires
    recovery,   // opens the organisation's recovery copy of its key
};

class EnrolmentCode {
  public:
    static constexpr std::size_t kTokenIdBytes = 8;
    static constexpr std::size_t kTokenIdChars = 2 * kTokenIdBytes;  // 16
    static constexpr std::size_t kSecretBytes = 16;
    static constexpr std::size_t kSecretChars = 22;
    static constexpr std::size_t kChars = kTokenIdChars + 1 + kSecretChars;  // 39

    // Whether `text` is a token id: kTokenIdChars lower-case hex characters.
    [[nodiscard]] static bool is_token_id(std::string_view text) noexcept;

    // The token id a person gave to name a code: the id itself, or the whole
    // code pasted (its part before the '-'; the secret is not read), with
    // surrounding ASCII whitespace ignored. Throws
    // Error(ErrorCode::invalid_argument) when that part is not a token id.
    [[nodiscard]] static std::string token_id_of(std::string_view text);

    // A fresh code: random token id and secret.
    [[nodiscard]] static EnrolmentCode generate();

    // The code text, as a person typed or pasted it: surrounding ASCII
    // whitespace is ignored, nothing else is. Throws
    // Error(ErrorCode::invalid_argument) saying what is wrong (length, token
    // id, separator or secret) without repeating the text, which holds a
    // secret.
    [[nodiscard]] static EnrolmentCode parse(std::string_view text);

    EnrolmentCode(EnrolmentCode&&) noexcept = default;
    EnrolmentCode& operator=(EnrolmentCode&&) noexcept = default;
    EnrolmentCode(const EnrolmentCode&) = delete;
    EnrolmentCode& operator=(const EnrolmentCode&) = delete;

    // The 16 lower-hex characters before the '-'.
    const std::string& token_id() const noexcept { return token_id_; }

    // The kSecretBytes secret, in guarded memory; valid while this code lives.
    crypto::ByteView secret() const noexcept { return secret_.view(); }

    // "<token id>-<secret>", the form parse() reads. The string is ordinary
    // memory: show it to the person and let it go.
    [[nodiscard]] std::string to_string() const;

  private:
    EnrolmentCode(std::string token_id, crypto::SecureBuffer secret);

    std::string token_id_;
    crypto::SecureBuffer secret_;
};

// The 32-byte key a device presents to prove it holds the code (EnrolRequest).
// Throws Error(ErrorCode::invalid_argument) unless secret has kSecretBytes.
[[nodiscard]] crypto::Bytes auth_key(crypto::ByteView secret,
                                     CodePurpose purpose = CodePurpose::enrolment);

// What the server stores and compares: BLAKE2b-256 of auth_key (32 bytes).
// Compare verifiers with crypto::constant_time_equal.
[[nodiscard]] crypto::Bytes verifier(crypto::ByteView auth_key);

// The key the organisation key is sealed under for this code. Throws
// Error(ErrorCode::invalid_argument) unless secret has kSecretBytes.
[[nodiscard]] crypto::SecretKey seal_key(crypto::ByteView secret,
                                         CodePurpose purpose = CodePurpose::enrolment);

// The organisation key wrapped (crypto::wrap_key, 72 bytes) under
// seal_key(code.secret(), purpose), with associated data naming the purpose
// and the code's token id: the value of InviteRequest's and EnrolResponse's
// organisation_key_envelope, and of KeyEnvelope::sealed.
[[nodiscard]] crypto::Bytes seal_organisation_key(const EnrolmentCode& code, CodePurpose purpose,
                                                  const crypto::SecretKey& organisation_key);

// The organisation key seal_organisation_key wrapped for this code and
// purpose. Throws Error(ErrorCode::authentication_failed) for any other
// envelope (another code, another purpose, changed bytes).
[[nodiscard]] crypto::SecretKey open_organisation_key(const EnrolmentCode& code,
                                                      CodePurpose purpose,
                                                      crypto::ByteView envelope);

}  // namespace dspt::protocol
