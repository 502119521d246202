// libFuzzer target: the standards CSV importer (common/standards/csv_import)
// and the CSV reader under it (common/csv_reader), as `dspt` imports the
// official item list an operator downloaded.
//
// Properties, besides no crash and no sanitizer report:
//  - read_csv's records, written again as CSV (report::csv_field), read back
//    to the same fields (each field at most gains the formula guard "'");
//  - a text either imports or is refused with malformed_pack naming the
//    origin;
//  - an imported pack is valid, and its JSON form loads back to an equal
//    pack.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/csv_reader.hpp"
#include "common/error.hpp"
#include "common/report/csv_writer.hpp"
#include "common/standards/csv_import.hpp"
#include "common/standards/loader.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace ds = dspt::standards;

namespace {

// The records as CSV, after a byte order mark (so that one the first field
// starts with is not taken for the file's own).
std::string written(const std::vector<dspt::CsvRecord>& records) {
    std::string out = "\xEF\xBB\xBF";
    for (const auto& record : records) {
        for (std::size_t i = 0; i < record.fields.size(); ++i) {
            out += (i == 0 ? "" : ",") + dspt::report::csv_field(record.fields[i]);
        }
        out += "\r\n";
    }
    return out;
}

void check_reader(std::string_view text) {
    std::vector<dspt::CsvRecord> records;
    try {
        records = dspt::read_csv(text, "fuzz.csv");
    } catch (const dspt::Error& e) {
        DSPT_FUZZ_CHECK(e.code() == dspt::ErrorCode::invalid_argument);
        return;
    }
    const auto again = dspt::read_csv(written(records), "again.csv");
    DSPT_FUZZ_CHECK(again.size() == records.size());
    for (std::size_t r = 0; r < records.size(); ++r) {
        const auto& fields = records[r].fields;
        DSPT_FUZZ_CHECK(!fields.empty());
        DSPT_FUZZ_CHECK(again[r].fields.size() == fields.size());
        for (std::size_t f = 0; f < fields.size(); ++f) {
            const auto& read = again[r].fields[f];
            DSPT_FUZZ_CHECK(read == fields[f] || read == "'" + fields[f]);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check_reader(text);

    ds::Pack pack;
    try {
        pack = ds::import_pack_csv(text, "2025-26", "fuzz.csv");
    } catch (const dspt::Error& e) {
        DSPT_FUZZ_CHECK(e.code() == dspt::ErrorCode::malformed_pack);
        DSPT_FUZZ_CHECK(std::string_view(e.what()).starts_with("fuzz.csv"));
        return 0;
    }
    DSPT_FUZZ_CHECK(pack.year == "2025-26" && pack.version.empty());
    ds::validate_pack(pack, "fuzz.csv");
    DSPT_FUZZ_CHECK(ds::parse_pack_json(ds::pack_to_json(pack), "again.json") == pack);
    return 0;
}
