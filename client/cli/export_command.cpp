// `dspt export FILE.xlsx|FILE.csv|FILE.pdf`: the answers spreadsheet, one row
// per item, or the same as a printable PDF for a meeting or an inspection.
// Responses only: evidence is listed by file name, never its content. On a
// headquarters device without --site, the workbook holds every site of the
// organisation, a sheet each, so head office can send each registered manager
// their answers (docs/domain.md, "The answers spreadsheet").

#include <memory>
#include <ostream>

#include "client/cli/command.hpp"
#include "client/cli/output_file.hpp"
#include "client/cli/store_access.hpp"
#include "client/store/identity_store.hpp"
#include "client/store/sync_state.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/report/answers_pdf.hpp"
#include "common/report/answers_report.hpp"
#include "common/report/csv_writer.hpp"
#include "common/report/xlsx_writer.hpp"
#include "common/text.hpp"

namespace dspt::client {

namespace {

struct ExportOptions {
    std::string file;
    bool force = false;
};

void run_export(CommandContext& context, const ExportOptions& options) {
    const auto& file = options.file;
    const std::filesystem::path path(file);
    const auto ext = ascii_lower(path.extension().string());
    if (ext != ".xlsx" && ext != ".csv" && ext != ".pdf") {
        fail(ErrorCode::invalid_argument,
             "export writes .xlsx, .csv or .pdf files, chosen by the name's ending; \"" + file +
                 "\" ends in none of them");
    }
    refuse_existing_output(path, options.force);
    auto store = open_store(context.global);
    const auto identity = load_identity(*store);
    if (identity && identity->role == protocol::Role::headquarters && store->scope().empty()) {
        const auto sites = known_sites(*store);
        if (sites.empty()) {
            fail(ErrorCode::failed_precondition,
                 "this headquarters device does not know its organisation's sites yet: run 'dspt "
                 "sync' first");
        }
        if (ext != ".xlsx") {
            fail(ErrorCode::invalid_argument,
                 std::string(ext == ".pdf" ? "a PDF" : "a CSV file") +
                     " holds one site: give --site CODE, or write a .xlsx file for every site");
        }
        std::vector<report::SiteSheet> sheets;
        for (const auto& site : sites) {
            store->use_scope(site);
            sheets.push_back({site, report::build_answers_report(store->pack(), store->assessment(),
                                                                 site, Date::today())});
        }
        report::write_xlsx(sheets, path);
        *context.out << "Wrote the answers of " << sheets.size() << " sites (" << store->info().year
                     << "), a sheet each, to " << file << "\n";
        return;
    }
    const auto report = report::build_answers_report(store->pack(), store->assessment(),
                                                     store->info().site_name, Date::today());
    if (ext == ".xlsx") {
        report::write_xlsx(report, path);
    } else if (ext == ".pdf") {
        report::write_answers_pdf(report,
                                  identity && !identity->organisation_name.empty()
                                      ? identity->organisation_name
                                      : report.site_name,
                                  path);
    } else {
        write_file_atomic(path, report::to_csv(report), 0600);
    }
    *context.out << "Wrote " << report.rows.size() << " items (" << report.year << ", "
                 << report.level << ") to " << file << "\n";
}

}  // namespace

void add_export_command(CLI::App& app, CommandContext& context) {
    auto* command = app.add_subcommand("export",
                                       "Write the answers as a spreadsheet or a printable document "
                                       "(FILE.xlsx, FILE.csv or FILE.pdf)");
    auto options = std::make_shared<ExportOptions>();
    command->add_option("FILE", options->file, "The file to write, ending .xlsx, .csv or .pdf")
        ->required();
    command->add_flag("--force", options->force, "Replace FILE if it exists");
    on_run(command, context, [&context, options] { run_export(context, *options); });
}

}  // namespace dspt::client
