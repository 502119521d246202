// `dspt standards`: the standards packs this build knows, their items, and the
// import of an official item list (XLSX or CSV).

#include <algorithm>
#include <cstdio>
#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

#include "client/cli/command.hpp"
#include "client/cli/output_file.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/standards/bundled.hpp"
#include "common/standards/item_list_import.hpp"
#include "common/standards/loader.hpp"

namespace dspt::client {

namespace {

// An item list, CSV or XLSX; NHS England's workbook is well under 1 MiB.
constexpr std::size_t kMaxListBytes = 32 * 1024 * 1024;

std::size_t count_inferred(const standards::Pack& pack) {
    std::size_t n = 0;
    for (const auto& item : pack.items) {
        n += item.source == standards::Source::inferred ? 1 : 0;
    }
    return n;
}

void list_packs(std::ostream& out, bool json) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& year : standards::bundled_years()) {
        const auto& pack = standards::bundled_pack(year);
        rows.push_back({{"year", pack.year},
                        {"version", pack.version},
                        {"items", pack.items.size()},
                        {"approaching", pack.count_mandatory_approaching()},
                        {"met", pack.count_mandatory_met()},
                        {"inferred", count_inferred(pack)}});
    }
    if (json) {
        out << rows.dump(2) << "\n";
        return;
    }
    out << "year     version  items  mandatory AS  mandatory SM  inferred\n";
    for (const auto& row : rows) {
        char line[128];
        std::snprintf(line, sizeof line, "%-8s %-8s %5zu  %12zu  %12zu  %8zu\n",
                      row["year"].get<std::string>().c_str(),
                      row["version"].get<std::string>().c_str(), row["items"].get<std::size_t>(),
                      row["approaching"].get<std::size_t>(), row["met"].get<std::size_t>(),
                      row["inferred"].get<std::size_t>());
        out << line;
    }
}

void list_items(std::ostream& out, const std::string& year, int standard, bool json) {
    const auto& pack =
        year.empty() ? standards::newest_bundled_pack() : standards::bundled_pack(year);
    if (json) {
        auto doc = nlohmann::json::parse(standards::pack_to_json(pack));
        if (standard != 0) {
            auto& items = doc["items"];
            items.erase(std::remove_if(items.begin(), items.end(),
                                       [&](const auto& i) { return i["standard"] != standard; }),
                        items.end());
        }
        out << doc.dump(2) << "\n";
        return;
    }
    out << "Standards pack " << pack.year << " (" << pack.version << ")\n";
    for (const auto& item : pack.items) {
        if (standard != 0 && item.standard != standard) {
            continue;
        }
        const char* level = item.mandatory_approaching && item.mandatory_met ? "AS+SM"
                            : item.mandatory_approaching                     ? "AS"
                            : item.mandatory_met                             ? "SM"
                                                                             : "opt";
        char line[256];
        std::snprintf(line, sizeof line, "%-7s %-8s %-5s %s%s\n", item.id.c_str(),
                      std::string(standards::to_string(item.type)).c_str(), level,
                      item.title.c_str(),
                      item.source == standards::Source::inferred ? " (inferred)" : "");
        out << line;
    }
}

struct ImportOptions {
    std::string file;
    std::string year;
    std::string version;
    std::string opens;
    std::string category;
    std::string out;
    bool force = false;
};

void import_list(std::ostream& out, std::ostream& err, const ImportOptions& options) {
    standards::ItemListOptions list;
    list.year = options.year;
    list.version = options.version;
    list.category = options.category;
    if (!options.opens.empty()) {
        list.opens = Date::parse(options.opens);
        if (!list.opens) {
            fail(ErrorCode::invalid_argument,
                 "--opens is a date written YYYY-MM-DD, not \"" + options.opens + "\"");
        }
    }
    const auto bytes = read_file(options.file, kMaxListBytes);
    const auto imported = standards::import_item_list(bytes, list, options.file);
    const auto& pack = imported.pack;
    if (imported.layout == standards::ItemListLayout::official) {
        err << "dspt: read NHS England's evidence-item layout"
            << (imported.from_xlsx ? " (XLSX)" : " (CSV)") << ", category \"" << imported.category
            << "\"; titles are the first words of each item's text\n";
    }
    if (!pack.opens) {
        err << "dspt: no --opens date given: the version counts as open from 1 July "
            << pack.year.substr(0, 4) << "\n";
    }
    const auto json = standards::pack_to_json(pack);
    if (options.out.empty()) {
        out << json;
        return;
    }
    refuse_existing_output(options.out, options.force);
    write_file_atomic(options.out, json);
    out << "Imported " << pack.items.size() << " items for " << pack.year
        << (pack.version.empty() ? "" : " " + pack.version) << " ("
        << pack.count_mandatory_approaching() << " mandatory for Approaching Standards, "
        << pack.count_mandatory_met() << " for Standards Met) into " << options.out << "\n";
}

}  // namespace

void add_standards_commands(CLI::App& app, CommandContext& context) {
    auto* group = app.add_subcommand("standards", "The standards packs: years, items, import");
    group->require_subcommand(1);

    auto* list = group->add_subcommand("list", "List the bundled standards years");
    auto list_json = std::make_shared<bool>(false);
    list->add_flag("--json", *list_json, "Machine-readable output");
    list->callback([&context, list_json] {
        context.action = [&context, list_json] { list_packs(*context.out, *list_json); };
    });

    auto* items = group->add_subcommand("items", "List the items of a standards year");
    struct ItemsOptions {
        std::string year;
        int standard = 0;
        bool json = false;
    };
    auto items_opts = std::make_shared<ItemsOptions>();
    items->add_option("--year", items_opts->year, "Standards year, e.g. 2025-26 (default newest)");
    items->add_option("--standard", items_opts->standard, "Only this standard (1-10)")
        ->check(CLI::Range(1, 10));
    items->add_flag("--json", items_opts->json, "Machine-readable output");
    items->callback([&context, items_opts] {
        context.action = [&context, items_opts] {
            list_items(*context.out, items_opts->year, items_opts->standard, items_opts->json);
        };
    });

    auto* import = group->add_subcommand(
        "import",
        "Check an official item list (NHS England's XLSX or CSV, or the simple CSV layout) and "
        "write it as a standards pack (JSON)");
    auto import_opts = std::make_shared<ImportOptions>();
    import->add_option("FILE", import_opts->file, "The item list: .xlsx, or CSV with a header row")
        ->required();
    import->add_option("--year", import_opts->year, "The standards year it is for, e.g. 2025-26")
        ->required();
    import->add_option("--version", import_opts->version, "The toolkit version, e.g. v8");
    import->add_option("--opens", import_opts->opens,
                       "The day the toolkit opened this version, YYYY-MM-DD");
    import->add_option("--category", import_opts->category,
                       "The organisation category's columns to read (default: Others "
                       "(Category 3), Category 3 or Social Care)");
    import->add_option("--out", import_opts->out, "Write the pack here (default: stdout)");
    import->add_flag("--force", import_opts->force, "Replace the --out file if it exists");
    import->callback([&context, import_opts] {
        context.action = [&context, import_opts] {
            import_list(*context.out, *context.err, *import_opts);
};
}  // namespace dspt::client
);
}

}  // namespace dspt::client
