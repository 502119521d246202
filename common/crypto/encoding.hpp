#pragma once
// Text forms of bytes: hexadecimal and URL-safe base64.
//
// Used for keys and salts in configuration files, enrolment and recovery codes,
// and values inside JSON or URLs. Both decoders are strict: a string that is
// not exactly the canonical encoding of some bytes is rejected, so one value
// has one spelling and a stored string cannot be altered without notice.
//
// Secrets: the returned std::string is ordinary heap memory and is not wiped.
// Encode a secret only to hand it to the user (a recovery code) or to a file
// that is itself protected; prefer keeping keys in SecretKey.
//
// libsodium's codecs run in time independent of the byte values (not of the
// length), so decoding a secret does not leak it through timing.
//
// Thread safety: pure functions; safe from any thread.

#include <string>
#include <string_view>

#include "common/crypto/bytes.hpp"

namespace dspt::crypto {

// Lower-case hexadecimal, two characters per byte ("" for no bytes).
std::string to_hex(ByteView bytes);

// Decodes hexadecimal (either case). Throws Error(ErrorCode::invalid_argument)
// for an odd length or any character that is not a hex digit (no whitespace,
// no separators, no "0x").
Bytes from_hex(std::string_view text);

// Base64 with the URL-safe alphabet (A-Z a-z 0-9 - _) and no '=' padding:
// 4 characters per 3 bytes, rounded up; 32 bytes become 43 characters.
std::string to_base64(ByteView bytes);

// Decodes to_base64's form. Throws Error(ErrorCode::invalid_argument) for any
// other character (including '+', '/', '=' and whitespace), an impossible
// length, or unused trailing bits that are not zero (a non-canonical spelling).
Bytes from_base64(std::string_view text);

}  // namespace dspt::crypto
