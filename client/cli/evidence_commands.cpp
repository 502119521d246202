// `dspt evidence add|list|get|remove`: the files that back an item.

#include <memory>
#include <optional>
#include <ostream>

#include <nlohmann/json.hpp>

#include "client/cli/command.hpp"
#include "client/cli/progress.hpp"
#include "client/cli/store_access.hpp"
#include "client/format/output.hpp"
#include "client/store/evidence_store.hpp"
#include "common/error.hpp"

namespace dspt::client {

namespace {

struct EvidenceOptions {
    std::string item;
    std::string file;
    std::string id;
    std::string out;
    bool force = false;
    bool json = false;
};

std::string_view transfer_name(EvidenceTransfer transfer) {
    switch (transfer) {
        case EvidenceTransfer::to_upload:
            return "to upload";
        case EvidenceTransfer::synced:
            return "synced";
        case EvidenceTransfer::downloading:
            return "downloading";
        case EvidenceTransfer::carried:
            return "to review";  // carried over from the previous year
    }
    return "?";
}

nlohmann::json to_json(const EvidenceFile& file) {
    return {{"id", file.id},
            {"item", file.item_id},
            {"name", file.name},
            {"size", file.size},
            {"chunks", file.chunk_count},
            {"added_at", format_time(file.added_at_ms)},
            {"sync", transfer_name(file.transfer)},
            {"site", file.scope.empty() ? nlohmann::json(nullptr) : nlohmann::json(file.scope)}};
}

void run_add(CommandContext& context, const EvidenceOptions& options) {
    auto store = open_store(context.global);
    std::error_code ec;
    const auto size = std::filesystem::file_size(options.file, ec);
    const auto name = std::filesystem::path(options.file).filename().string();
    const auto added = store->evidence().add(options.item, options.file,
                                             make_progress("Adding", name, ec ? 0 : size));
    finish_progress(ec ? 0 : size);
    *context.out << "Added " << added.name << " (" << human_size(added.size) << ") to item "
                 << added.item_id << " as evidence " << added.id << "\n";
    if (added.size == 0) {
        *context.err << "Warning: " << added.name
                     << " is empty (0 bytes): check it is the file you meant, and remove this "
                        "one with 'dspt evidence remove "
                     << added.id << "' if not.\n";
    }
    for (const auto& other : store->evidence().list(std::string_view(added.item_id))) {
        if (other.id != added.id && other.content_hash == added.content_hash) {
            *context.err << "Warning: item " << added.item_id << " already has this file, as "
                         << other.name << " (evidence " << other.id
                         << "): remove one copy with 'dspt evidence remove ID'.\n";
            break;
        }
    }
}

void run_list(CommandContext& context, const EvidenceOptions& options) {
    auto store = open_store(context.global);
    std::optional<std::string_view> item;
    if (!options.item.empty()) {
        item = options.item;
    }
    const auto files = store->evidence().list(item);
    if (options.json) {
        auto json = nlohmann::json::array();
        for (const auto& file : files) {
            json.push_back(to_json(file));
        }
        *context.out << json.dump(2) << "\n";
        return;
    }
    if (files.empty()) {
        *context.out << "No evidence files" << (item ? " for item " + options.item : "")
                     << (store->scope().empty() ? "" : " of site " + store->scope()) << ".\n";
        return;
    }
    std::vector<std::vector<std::string>> rows{{"ID", "ITEM", "SIZE", "ADDED", "SYNC", "NAME"}};
    for (const auto& file : files) {
        rows.push_back({file.id, file.item_id, human_size(file.size), format_time(file.added_at_ms),
                        std::string(transfer_name(file.transfer)), file.name});
    }
    print_table(*context.out, rows);
}

void run_get(CommandContext& context, const EvidenceOptions& options) {
    auto store = open_store(context.global);
    const auto file = store->evidence().find(options.id);
    store->evidence().get(file.id, options.out, options.force,
                          make_progress("Writing", file.name, file.size));
    finish_progress(file.size);
    *context.out << "Wrote " << file.name << " (" << human_size(file.size) << ") to " << options.out
                 << "\n";
}

void run_remove(CommandContext& context, const EvidenceOptions& options) {
    auto store = open_store(context.global);
    const auto file = store->evidence().find(options.id);
    store->evidence().remove(file.id);
    *context.out << "Removed " << file.name << " from item " << file.item_id << "\n";
}

}  // namespace

void add_evidence_commands(CLI::App& app, CommandContext& context) {
    auto* group = app.add_subcommand("evidence", "Evidence files: add, list, get, remove");
    group->require_subcommand(1);
    auto options = std::make_shared<EvidenceOptions>();

    auto* add = group->add_subcommand("add", "Attach a file to an item (encrypted in the store)");
    add->add_option("ITEM", options->item, "Item id, e.g. 1.1.2")->required();
    add->add_option("FILE", options->file, "The file to attach")->required();
    on_run(add, context, [&context, options] { run_add(context, *options); });

    auto* list = group->add_subcommand("list", "List evidence files, of one item or all");
    list->add_option("ITEM", options->item, "Only this item");
    list->add_flag("--json", options->json, "Machine-readable output");
    on_run(list, context, [&context, options] { run_list(context, *options); });

    auto* get = group->add_subcommand("get", "Write an evidence file's exact bytes to OUT");
    get->add_option("ID", options->id,
                    "Evidence id, or the start of one (see 'dspt evidence list')")
        ->required();
    get->add_option("OUT", options->out, "Where to write the file")->required();
    get->add_flag("--force", options->force, "Replace OUT if it exists");
    on_run(get, context, [&context, options] { run_get(context, *options); });

    auto* remove = group->add_subcommand("remove", "Remove an evidence file");
    remove->add_option("ID", options->id, "Evidence id, or the start of one")->required();
    on_run(remove, context, [&context, options] { run_remove(context, *options); });
}

}  // namespace dspt::client
