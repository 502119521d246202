// libFuzzer target: enrolment and recovery codes as a person types or pastes
// them (protocol::EnrolmentCode::parse).
//
// Properties, besides no crash and no sanitizer report:
//  - a text that parses is, without its surrounding whitespace, exactly the
//    code's to_string(): one code, one spelling;
//  - parsing that spelling again gives the same token id and secret;
//  - any 8-byte token id and 16-byte secret, written in the code's format,
//    parse back to themselves, with or without whitespace around.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/crypto/encoding.hpp"
#include "common/error.hpp"
#include "protocol/enrolment_code.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace dc = dspt::crypto;
using dspt::protocol::EnrolmentCode;

namespace {

bool same(dc::ByteView a, dc::ByteView b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

std::string_view trimmed(std::string_view text) {
    constexpr std::string_view kSpace = " \t\n\r\f\v";
    const auto first = text.find_first_not_of(kSpace);
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const EnrolmentCode code = EnrolmentCode::parse(text);
        const std::string spelling = code.to_string();
        DSPT_FUZZ_CHECK(spelling == trimmed(text));
        const EnrolmentCode again = EnrolmentCode::parse(spelling);
        DSPT_FUZZ_CHECK(again.token_id() == code.token_id());
        DSPT_FUZZ_CHECK(same(again.secret(), code.secret()));
    } catch (const dspt::Error& e) {
        DSPT_FUZZ_CHECK(e.code() == dspt::ErrorCode::invalid_argument);
    }

    if (size >= EnrolmentCode::kTokenIdBytes + EnrolmentCode::kSecretBytes) {
        const dc::ByteView bytes(data, size);
        const auto token = bytes.subspan(0, EnrolmentCode::kTokenIdBytes);
        const auto secret =
            bytes.subspan(EnrolmentCode::kTokenIdBytes, EnrolmentCode::kSecretBytes);
        const std::string written = dc::to_hex(token) + "-" + dc::to_base64(secret);
        DSPT_FUZZ_CHECK(written.size() == EnrolmentCode::kChars);
        const EnrolmentCode code = EnrolmentCode::parse(" \t" + written + "\r\n");
        DSPT_FUZZ_CHECK(code.token_id() == dc::to_hex(token));
        DSPT_FUZZ_CHECK(same(code.secret(), secret));
    }
    return 0;
}
