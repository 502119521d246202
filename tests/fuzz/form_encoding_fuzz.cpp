// libFuzzer target: query strings and form bodies (common/form_encoding), as
// the server's public search, the server's API paths and the local screen's
// forms and login link read them.
//
// Properties, besides no crash and no sanitizer report:
//  - form_decode(form_encode(x)) == x for any bytes x, and percent_decode
//    of the same text gives x with each space as '+';
//  - form_decode and percent_decode accept exactly the same texts, and agree
//    on a text without '+';
//  - parse_form accepts exactly the texts form_decode accepts;
//  - parse_form(text), its fields encoded again and joined with '&' and '=',
//    parses back to the same fields.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "common/form_encoding.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

template <class F>
auto attempt(F decode, std::string_view text) -> std::optional<decltype(decode(text))> {
    try {
        return decode(text);
    } catch (const dspt::Error& e) {
        DSPT_FUZZ_CHECK(e.code() == dspt::ErrorCode::invalid_argument);
        return std::nullopt;
    }
}

std::string encoded(const dspt::FormFields& fields) {
    std::string out;
    for (const auto& [name, value] : fields) {
        if (!out.empty()) {
            out += '&';
        }
        out += dspt::form_encode(name) + "=" + dspt::form_encode(value);
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    const std::string encoding = dspt::form_encode(text);
    DSPT_FUZZ_CHECK(dspt::form_decode(encoding) == text);
    std::string plus = std::string(text);
    std::replace(plus.begin(), plus.end(), ' ', '+');
    DSPT_FUZZ_CHECK(dspt::percent_decode(encoding) == plus);

    const auto form = attempt([](std::string_view t) { return dspt::form_decode(t); }, text);
    const auto path = attempt([](std::string_view t) { return dspt::percent_decode(t); }, text);
    DSPT_FUZZ_CHECK(form.has_value() == path.has_value());
    if (form && text.find('+') == std::string_view::npos) {
        DSPT_FUZZ_CHECK(*form == *path);
    }

    // '&' and '=' are not hex digits, so splitting never cuts a %-escape:
    // the fields parse exactly when the whole text decodes.
    const auto fields = attempt([](std::string_view t) { return dspt::parse_form(t); }, text);
    DSPT_FUZZ_CHECK(fields.has_value() == form.has_value());
    if (fields) {
        DSPT_FUZZ_CHECK(dspt::parse_form(encoded(*fields)) == *fields);
    }
    return 0;
}
