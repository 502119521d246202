// libFuzzer target: the XLSX reader (common/report/xlsx_reader, and the ZIP
// reader under it) and the import of the item list it carries
// (common/standards/item_list_import), as `dspt standards import` reads a
// workbook an operator downloaded.
//
// Properties, besides no crash, no sanitizer report and no large allocation
// (libFuzzer's -rss_limit_mb and -malloc_limit_mb catch one):
//  - a workbook either reads or is refused with invalid_argument or
//    limit_exceeded naming the origin;
//  - every sheet row read is numbered from 1 to 1048576, in increasing order,
//    with at most 16384 cells;
//  - an item list either imports as a valid pack, whose JSON form loads back
//    to an equal pack, or is refused with an error naming the origin.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "common/report/xlsx_reader.hpp"
#include "common/standards/item_list_import.hpp"
#include "common/standards/loader.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

bool refused_as_expected(const dspt::Error& e) {
    const auto code = e.code();
    return (code == dspt::ErrorCode::invalid_argument || code == dspt::ErrorCode::limit_exceeded ||
            code == dspt::ErrorCode::malformed_pack) &&
           std::string_view(e.what()).starts_with("fuzz.xlsx");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    try {
        const auto sheets = dspt::report::read_xlsx(bytes, "fuzz.xlsx");
        DSPT_FUZZ_CHECK(!sheets.empty());
        for (const auto& sheet : sheets) {
            std::size_t last = 0;
            for (const auto& row : sheet.rows) {
                DSPT_FUZZ_CHECK(row.number > last && row.number <= 1'048'576);
                DSPT_FUZZ_CHECK(row.cells.size() <= 16'384);
                last = row.number;
            }
        }
    } catch (const dspt::Error& e) {
        DSPT_FUZZ_CHECK(refused_as_expected(e));
    }

    dspt::standards::ItemListOptions options;
    options.year = "2025-26";
    try {
        const auto imported = dspt::standards::import_item_list(bytes, options, "fuzz.xlsx");
        dspt::standards::validate_pack(imported.pack, "fuzz.xlsx");
        DSPT_FUZZ_CHECK(dspt::standards::parse_pack_json(
                            dspt::standards::pack_to_json(imported.pack), "again.json") ==
                        imported.pack);
    } catch (const dspt::Error& e) {
        DSPT_FUZZ_CHECK(refused_as_expected(e));
    }
    return 0;
}
