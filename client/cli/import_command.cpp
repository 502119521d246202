// `dspt import FILE.csv`: the answers spreadsheet brought back. A manager
// writes it with 'dspt export FILE.csv', fills in answers, comments and
// document locations in a spreadsheet program, saves it as CSV and imports
// it; every row is checked before any is recorded.

#include <filesystem>
#include <memory>
#include <ostream>

#include "client/actions/answers_import.hpp"
#include "client/cli/command.hpp"
#include "client/cli/store_access.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/report/answers_csv_reader.hpp"
#include "common/text.hpp"

namespace dspt::client {

namespace {

// A toolkit has about 50 items; a spreadsheet of its answers is far below this.
constexpr std::size_t kMaxImportBytes = 16 * 1024 * 1024;

void run_import(CommandContext& context, const std::string& file) {
    const std::filesystem::path path(file);
    const auto ext = ascii_lower(path.extension().string());
    if (ext == ".xlsx" || ext == ".xls" || ext == ".ods") {
        fail(ErrorCode::invalid_argument,
             "import reads CSV: save \"" + file +
                 "\" from the spreadsheet program as \"CSV UTF-8\", then import that file");
    }
    if (std::filesystem::is_directory(path)) {
        fail(ErrorCode::invalid_argument, "\"" + file + "\" is a folder: give the CSV file");
    }
    const auto rows = report::read_answers_csv(read_file(path, kMaxImportBytes), file);
    auto store = open_store(context.global);
    const auto result = import_answers(*store, rows, file, current_user(*store));
    auto& out = *context.out;
    if (result.changed.empty()) {
        out << "Nothing to import from " << file << ": every row says what the store holds ("
            << result.unchanged << " rows).\n";
        return;
    }
    out << "Recorded " << result.changed.size()
        << (result.changed.size() == 1 ? " answer" : " answers") << " from " << file << " ("
        << result.unchanged << " rows unchanged):";
    for (const auto& id : result.changed) {
        out << " " << id;
    }
    out << "\n";
}

}  // namespace

void add_import_command(CLI::App& app, CommandContext& context) {
    auto* command = app.add_subcommand(
        "import", "Record the answers filled in on the answers spreadsheet (FILE.csv)");
    command->footer(
        "The file is the one 'dspt export FILE.csv' writes, filled in and saved as CSV: the "
        "columns Item, Answer, Comment and Document location are read, the others ignored. A "
        "blank cell leaves the item as it is. Every row is checked first; if one is wrong, "
        "nothing is recorded.");
    auto file = std::make_shared<std::string>();
    command->add_option("FILE", *file, "The CSV file to read")->required();
    on_run(command, context, [&context, file] { run_import(context, *file); });
}

}  // namespace dspt::client
