// `dspt plan set|list|remove|export|attach`: the action plan for items not yet
// satisfied, as structured entries, as a document made from them, and as a
// document the provider uploads (docs/domain.md, "Publishing").

#include <filesystem>
#include <memory>
#include <ostream>
#include <utility>

#include <nlohmann/json.hpp>

#include "client/actions/plan_change.hpp"
#include "client/cli/command.hpp"
#include "client/cli/output_file.hpp"
#include "client/cli/store_access.hpp"
#include "client/format/output.hpp"
#include "client/store/evidence_store.hpp"
#include "client/store/identity_store.hpp"
#include "common/date.hpp"
#include "common/error.hpp"
#include "common/report/plan_docx.hpp"
#include "common/report/plan_pdf.hpp"
#include "common/report/xlsx_writer.hpp"
#include "common/text.hpp"

namespace dspt::client {

namespace {

struct PlanOptions {
    std::string item;
    std::string action;
    std::string owner;
    std::string due;
    std::string file;
    bool force = false;
    bool json = false;
};

void run_set(CommandContext& context, const PlanOptions& options) {
    auto store = open_store(context.global);
    const auto entry =
        apply_plan_change(*store, {options.item, options.action, options.owner, options.due});
    *context.out << "Planned for " << entry.item_id << ": " << entry.action << " (owner "
                 << entry.owner << ", due " << entry.due.to_string() << ")\n";
    if (entry.due < Date::today()) {
        *context.err << "Warning: the due date, " << long_date(entry.due)
                     << ", is already past: if that is a slip, set the right one with 'dspt plan "
                        "set "
                     << entry.item_id << " --due YYYY-MM-DD ...'.\n";
    }
}

void run_list(CommandContext& context, const PlanOptions& options) {
    auto store = open_store(context.global);
    const auto plan = store->plan();
    if (options.json) {
        auto json = nlohmann::json::array();
        for (const auto& [item_id, entry] : plan) {
            json.push_back({{"item", item_id},
                            {"action", entry.action},
                            {"owner", entry.owner},
                            {"due", entry.due.to_string()}});
        }
        *context.out << json.dump(2) << "\n";
        return;
    }
    const auto documents = store->evidence().list(assessment::kPlanDocumentSlot);
    if (plan.empty() && documents.empty()) {
        *context.out << "The action plan is empty.\n";
    } else if (!plan.empty()) {
        std::vector<std::vector<std::string>> rows{{"ITEM", "DUE", "OWNER", "ACTION"}};
        for (const auto& [item_id, entry] : plan) {
            rows.push_back({item_id, entry.due.to_string(), entry.owner, entry.action});
        }
        print_table(*context.out, rows);
    }
    for (const auto& document : documents) {
        *context.out << "Plan document: " << document.name << " (evidence " << document.id << ")\n";
    }
}

void run_remove(CommandContext& context, const PlanOptions& options) {
    auto store = open_store(context.global);
    store->remove_plan_entry(options.item);
    *context.out << "Removed the action plan entry for " << options.item << ".\n";
}

// Who the plan is for: the organisation and the site, as this device knows them.
std::pair<std::string, std::string> plan_owner(LocalStore& store) {
    const auto identity = load_identity(store);
    if (!identity || identity->organisation_ods.empty()) {
        return {store.info().site_name, store.info().site_name};
    }
    const auto organisation = identity->organisation_name + " (" + identity->organisation_ods + ")";
    if (!store.scope().empty()) {
        return {organisation, store.scope()};
    }
    if (identity->role == protocol::Role::branch) {
        return {organisation, identity->site_name + " (" + identity->site_ods + ")"};
    }
    return {organisation, "every site (organisation-wide plan)"};
}

void run_export(CommandContext& context, const PlanOptions& options) {
    const std::filesystem::path path(options.file);
    const auto ext = ascii_lower(path.extension().string());
    if (ext != ".xlsx" && ext != ".docx" && ext != ".pdf") {
        fail(ErrorCode::invalid_argument, "plan export writes .xlsx, .docx or .pdf files; \"" +
                                              options.file + "\" is none of them");
    }
    refuse_existing_output(path, options.force);
    auto store = open_store(context.global);
    const auto [organisation, site] = plan_owner(*store);
    const auto report = report::build_plan_report(store->pack(), store->assessment(), organisation,
                                                  site, Date::today());
    if (ext == ".xlsx") {
        report::write_plan_xlsx(report, path);
    } else if (ext == ".docx") {
        report::write_plan_docx(report, path);
    } else {
        report::write_plan_pdf(report, path);
    }
    std::size_t unplanned = 0;
    for (const auto& row : report.rows) {
        unplanned += row.planned ? 0 : 1;
    }
    *context.out << "Wrote the action plan (" << report.rows.size()
                 << " item(s) needed for Standards Met, " << unplanned << " without an entry) to "
                 << options.file << "\n";
}

void run_attach(CommandContext& context, const PlanOptions& options) {
    auto store = open_store(context.global);
    const auto added = store->evidence().add(assessment::kPlanDocumentSlot, options.file);
    *context.out << "Attached " << added.name << " (" << human_size(added.size)
                 << ") as the action-plan document, evidence " << added.id
                 << "; it reaches the server at the next 'dspt sync'\n";
}

}  // namespace

void add_plan_commands(CLI::App& app, CommandContext& context) {
    auto* group = app.add_subcommand("plan", "The action plan: set, list, remove, export, attach");
    group->require_subcommand(1);
    auto options = std::make_shared<PlanOptions>();

    auto* set = group->add_subcommand("set", "Set the action for an item");
    set->add_option("ITEM", options->item, "Item id")->required();
    set->add_option("--action", options->action, "What will be done")->required();
    set->add_option("--owner", options->owner, "Who will do it")->required();
    set->add_option("--due", options->due, "By when, YYYY-MM-DD")->required();
    on_run(set, context, [&context, options] { run_set(context, *options); });

    auto* list = group->add_subcommand("list", "List the action plan");
    list->add_flag("--json", options->json, "Machine-readable output");
    on_run(list, context, [&context, options] { run_list(context, *options); });

    auto* remove = group->add_subcommand("remove", "Remove an item's action plan entry");
    remove->add_option("ITEM", options->item, "Item id")->required();
    on_run(remove, context, [&context, options] { run_remove(context, *options); });

    auto* export_plan = group->add_subcommand(
        "export", "Write the action plan as a document (FILE.xlsx, FILE.docx or FILE.pdf)");
    export_plan
        ->add_option("FILE", options->file, "The file to write; its extension picks the format")
        ->required();
    export_plan->add_flag("--force", options->force, "Replace FILE if it exists");
    on_run(export_plan, context, [&context, options] { run_export(context, *options); });

    auto* attach = group->add_subcommand(
        "attach", "Attach an action-plan document (any format); it stands for the whole plan");
    attach->add_option("FILE", options->file, "The plan document")->required();
    on_run(attach, context, [&context, options] { run_attach(context, *options); });
}

}  // namespace dspt::client
