// libFuzzer target: the standards pack loader (common/standards/loader), as
// `dspt` and the server read a pack file an operator gives them, and the
// line finder it uses on the same text.
//
// Properties, besides no crash and no sanitizer report:
//  - a text either loads or is refused with malformed_pack, whose message
//    starts with the origin;
//  - a pack that loads is valid (validate_pack), and its JSON form
//    (pack_to_json) loads back to an equal pack and is written again
//    byte for byte.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "common/standards/json_lines.hpp"
#include "common/standards/loader.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace ds = dspt::standards;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    // The line finder promises memory safety on any text, accepted or not.
    const ds::detail::JsonLines lines(text);
    (void)lines.line_of("/items/0/id");
    (void)lines.line_of("/year");

    ds::Pack pack;
    try {
        pack = ds::parse_pack_json(text, "fuzz.json");
    } catch (const dspt::Error& e) {
        DSPT_FUZZ_CHECK(e.code() == dspt::ErrorCode::malformed_pack);
        DSPT_FUZZ_CHECK(std::string_view(e.what()).starts_with("fuzz.json"));
        return 0;
    }
    ds::validate_pack(pack, "fuzz.json");
    const std::string json = ds::pack_to_json(pack);
    const ds::Pack again = ds::parse_pack_json(json, "again.json");
    DSPT_FUZZ_CHECK(again == pack);
    DSPT_FUZZ_CHECK(ds::pack_to_json(again) == json);
    return 0;
}
