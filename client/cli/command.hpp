#pragma once
// What every command group shares: the global options and the action chosen by
// the parser. A group registers its subcommands and, through on_run(), the work
// each one does; run_cli executes that work after parsing succeeds, so no
// command acts while arguments are still being read.

#include <functional>
#include <iosfwd>
#include <string>

#include <CLI/CLI.hpp>

#include "common/text.hpp"

namespace dspt::client {

struct GlobalOptions {
    std::string home;             // --home; else $DSPT_HOME; else ~/.local/share/dspt
    std::string passphrase_file;  // --passphrase-file
    std::string site;             // --site: a branch's assessment, on a headquarters device
};

// How the commands that talk to the server do it (network_options.hpp).
struct NetworkOptions {
    double timeout_seconds = 30;  // --timeout: each request's deadline
    bool insecure_http = false;   // --insecure-http: plain http:// beyond this computer
    // Set by a command that runs until stopped (sync --watch): a request in
    // flight ends as soon as this answers true.
    std::function<bool()> stop_requested;
};

struct CommandContext {
    std::function<void()> action;  // set by the chosen subcommand
    std::ostream* out = nullptr;   // results (stdout)
    std::ostream* err = nullptr;   // progress and warnings (stderr)
    GlobalOptions global;
    NetworkOptions network;
    // Set by a command that has already told the user what to do about its error,
    // so the general advice (app.cpp) is not repeated.
    bool next_step_given = false;
};

// An option that takes ODS codes: upper-cased, as people type them in either case.
inline CLI::Option* ods_codes(CLI::Option* option) {
    return option->transform([](std::string code) { return ascii_upper(code); });
}

// Makes `work` the action when `command` is chosen.
inline void on_run(CLI::App* command, CommandContext& context, std::function<void()> work) {
    command->callback([&context, work = std::move(work)] { context.action = work; });
}

void add_standards_commands(CLI::App& app, CommandContext& context);
void add_init_command(CLI::App& app, CommandContext& context);
void add_user_command(CLI::App& app, CommandContext& context);
void add_item_commands(CLI::App& app, CommandContext& context);
void add_answer_command(CLI::App& app, CommandContext& context);
void add_evidence_commands(CLI::App& app, CommandContext& context);
void add_plan_commands(CLI::App& app, CommandContext& context);
void add_status_command(CLI::App& app, CommandContext& context);
void add_export_command(CLI::App& app, CommandContext& context);
void add_import_command(CLI::App& app, CommandContext& context);
void add_passphrase_commands(CLI::App& app, CommandContext& context);
void add_backup_commands(CLI::App& app, CommandContext& context);
void add_profile_command(CLI::App& app, CommandContext& context);
void add_enrol_commands(CLI::App& app, CommandContext& context);
void add_organisation_commands(CLI::App& app, CommandContext& context);
void add_sync_commands(CLI::App& app, CommandContext& context);
void add_outbox_commands(CLI::App& app, CommandContext& context);
void add_log_command(CLI::App& app, CommandContext& context);
void add_publish_commands(CLI::App& app, CommandContext& context);
void add_year_commands(CLI::App& app, CommandContext& context);
void add_sites_command(CLI::App& app, CommandContext& context);
void add_partner_commands(CLI::App& app, CommandContext& context);
void add_web_commands(CLI::App& app, CommandContext& context);
void add_ui_command(CLI::App& app, CommandContext& context);

}  // namespace dspt::client
