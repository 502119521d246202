// `dspt import FILE.xlsx|FILE.csv`: the answers spreadsheet brought back. A
// manager writes it with 'dspt export', fills in answers, comments and
// document locations in Excel or LibreOffice (or head office does it for a
// branch) and imports it. Every row is checked first; the command then lists
// what would change (item, old, new) and asks before recording anything.

#include <filesystem>
#include <memory>
#include <ostream>

#include "client/actions/answers_import.hpp"
#include "client/cli/command.hpp"
#include "client/cli/confirm.hpp"
#include "client/cli/store_access.hpp"
#include "client/store/identity_store.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/report/answers_csv_reader.hpp"
#include "common/report/xlsx_reader.hpp"
#include "common/report/xlsx_writer.hpp"
#include "common/text.hpp"

namespace dspt::client {

namespace {

// A toolkit has about 50 items; a spreadsheet of its answers is far below this.
constexpr std::size_t kMaxImportBytes = 16 * 1024 * 1024;

struct ImportOptions {
    std::string file;
    bool yes = false;
};

std::string sheet_names(const std::vector<report::Sheet>& sheets) {
    std::vector<std::string> names;
    for (const auto& sheet : sheets) {
        names.push_back(sheet.name);
    }
    return joined(names);
}

// Whose answers the import reads: the site chosen with --site, else a branch
// device's own site; `chosen` when --site named it.
struct SheetSite {
    std::string code;
    bool chosen = false;
};

// The sheet of the workbook that holds the chosen assessment's answers: the
// "Answers" sheet of a one-site export, else the sheet of the site (a
// headquarters' workbook has one per site), else the only sheet.
const report::Sheet& answers_sheet(const std::vector<report::Sheet>& sheets,
                                   const std::string& file, const SheetSite& site) {
    for (const auto& sheet : sheets) {
        if (sheet.name == "Answers") {
            return sheet;
        }
    }
    if (!site.code.empty()) {
        const auto wanted = report::xlsx_sheet_name(site.code);
        for (const auto& sheet : sheets) {
            if (sheet.name == wanted) {
                return sheet;
            }
        }
    }
    if (site.chosen) {
        fail(ErrorCode::invalid_argument, "\"" + file + "\" has no sheet for site " + site.code +
                                              " (its sheets: " + sheet_names(sheets) +
                                              "): export that site's answers, or choose the "
                                              "site whose sheet it is with --site");
    }
    std::vector<const report::Sheet*> candidates;
    for (const auto& sheet : sheets) {
        if (sheet.name != "Sites" && sheet.name != "Summary") {
            candidates.push_back(&sheet);
        }
    }
    if (candidates.size() == 1) {
        return *candidates.front();
    }
    if (!site.code.empty()) {
        fail(ErrorCode::invalid_argument, "\"" + file + "\" has no sheet for this device's site " +
                                              site.code + " (its sheets: " + sheet_names(sheets) +
                                              "): import a workbook with a sheet named " +
                                              site.code + ", or the site's own export");
    }
    fail(ErrorCode::invalid_argument,
         "\"" + file + "\" holds several sheets (" + sheet_names(sheets) +
             "): give --site CODE to import the answers on that site's sheet");
}

std::vector<report::ImportedAnswer> read_rows(const std::string& file, const SheetSite& site,
                                              std::string& origin) {
    const std::filesystem::path path(file);
    const auto ext = ascii_lower(path.extension().string());
    if (ext == ".xls" || ext == ".ods") {
        fail(ErrorCode::invalid_argument,
             "import reads .xlsx and .csv files: save \"" + file +
                 "\" from the spreadsheet program as \"Excel Workbook (.xlsx)\", then import "
                 "that file");
    }
    if (std::filesystem::is_directory(path)) {
        fail(ErrorCode::invalid_argument,
             "\"" + file + "\" is a folder: give the .xlsx or .csv file");
    }
    const auto bytes = read_file(path, kMaxImportBytes);
    if (ext == ".xlsx" || report::looks_like_zip(bytes)) {
        const auto sheets = report::read_xlsx(bytes, file);
        const auto& sheet = answers_sheet(sheets, file, site);
        origin = file + " (sheet \"" + sheet.name + "\")";
        return report::read_answers_sheet(sheet, origin);
    }
    origin = file;
    return report::read_answers_csv(bytes, file);
}

// "(none)" for nothing, else the text in quotes, on one line.
std::string shown(const std::string& text) {
    if (text.empty()) {
        return "(none)";
    }
    std::string line;
    for (const char c : text) {
        line += c == '\n' || c == '\r' ? ' ' : c;
    }
    return "\"" + line + "\"";
}

void list_changes(std::ostream& out, const ImportPlan& plan) {
    for (const auto& change : plan.changes) {
        out << "  " << change.item_id << " " << change.title << "\n";
        if (change.old_value != change.new_value) {
            out << "      answer:  " << shown(change.old_value) << " -> " << shown(change.new_value)
                << "\n";
        }
        if (change.old_comment != change.new_comment) {
            out << "      comment: " << shown(change.old_comment) << " -> "
                << shown(change.new_comment) << "\n";
        }
    }
}

void run_import(CommandContext& context, const ImportOptions& options) {
    const auto& file = options.file;
    auto store = open_store(context.global);
    const auto identity = load_identity(*store);
    SheetSite site{store->scope(), !store->scope().empty()};
    if (site.code.empty() && identity && identity->role == protocol::Role::branch) {
        site.code = identity->site_ods;
    }
    std::string origin;
    const auto rows = read_rows(file, site, origin);
    const auto plan = plan_import(*store, rows, origin);
    auto& out = *context.out;
    if (plan.changes.empty()) {
        out << "Nothing to import from " << origin << ": every row says what is already recorded ("
            << plan.unchanged << " rows).\n";
        return;
    }
    // Whose answers change: a site's, or on a headquarters device without --site
    // the organisation-wide ones, which every site without its own answer reads.
    std::string whose;
    if (!store->scope().empty()) {
        whose = " for site " + store->scope();
    } else if (identity && identity->role == protocol::Role::headquarters) {
        whose = " for every site (the organisation-wide answers)";
    }
    const auto count =
        std::to_string(plan.changes.size()) + (plan.changes.size() == 1 ? " item" : " items");
    out << "Importing " << origin << " would change " << count << whose << " (" << plan.unchanged
        << (plan.unchanged == 1 ? " row" : " rows") << " unchanged):\n";
    list_changes(out, plan);
    out << std::flush;
    if (!confirmed(context, "Record these changes?", options.yes,
                   "nothing was imported: import asks before recording; run it on a terminal "
                   "to answer, or add --yes to record the changes listed above")) {
        out << "Nothing was imported.\n";
        return;
    }
    const auto result = record_import(*store, plan, current_user(*store));
    out << "Recorded " << result.changed.size()
        << (result.changed.size() == 1 ? " answer" : " answers") << whose << " from " << origin
        << ":";
    for (const auto& id : result.changed) {
        out << " " << id;
    }
    out << "\nThey are sent at the next 'dspt sync'.\n";
}

}  // namespace

void add_import_command(CLI::App& app, CommandContext& context) {
    auto* command = app.add_subcommand(
        "import",
        "Record the answers filled in on the answers spreadsheet (FILE.xlsx or FILE.csv)");
    command->footer(
        "The file is the one 'dspt export FILE.xlsx' or 'dspt export FILE.csv' writes, filled "
        "in: the columns Item, Answer, Comment and Document location are read, the others "
        "ignored. A blank cell leaves the item as it is. A headquarters' workbook has a sheet "
        "per site: give --site CODE to import that site's sheet. Every row is checked first; "
        "if one is wrong, nothing is recorded. Then the changes are listed and the command "
        "asks before recording them (--yes records them without asking).");
    auto options = std::make_shared<ImportOptions>();
    command->add_option("FILE", options->file, "The .xlsx or .csv file to read")->required();
    command->add_flag("--yes", options->yes, "Record the changes without asking");
    on_run(command, context, [&context, options] { run_import(context, *options); });
}

}  // namespace dspt::client
