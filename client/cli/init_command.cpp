// `dspt init`: creates the encrypted local store for one site and one year.

#include <cstdlib>
#include <memory>
#include <optional>
#include <ostream>
#include <string_view>

#include "client/cli/command.hpp"
#include "client/cli/store_access.hpp"
#include "common/crypto/password_kdf.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/standards/bundled.hpp"
#include "common/standards/loader.hpp"
#include "common/text.hpp"

namespace dspt::client {

namespace {

constexpr std::size_t kMaxPackBytes = 8 * 1024 * 1024;

// DSPT_KDF chooses what checking the passphrase costs: "interactive" (the
// default, about a fifth of a second), "moderate" (several times that, and
// stronger against someone who copies the store) or "minimal", for test rigs
// that open stores hundreds of times and hold no real data.
crypto::KdfStrength kdf_strength_from_environment() {
    const char* env = std::getenv("DSPT_KDF");
    const std::string_view value = env == nullptr ? "" : env;
    if (value.empty() || value == "interactive") {
        return crypto::KdfStrength::interactive;
    }
    if (value == "moderate") {
        return crypto::KdfStrength::moderate;
    }
    if (value == "minimal") {
        return crypto::KdfStrength::minimal;
    }
    fail(ErrorCode::invalid_argument,
         "DSPT_KDF must be interactive, moderate or minimal, not '" + std::string(value) + "'");
}

struct InitOptions {
    std::string year;
    std::string name;
    std::string pack_file;
    std::optional<std::string> user;
};

void run_init(CommandContext& context, const InitOptions& options) {
    const auto path = LocalStore::file_in(resolve_home(context.global));
    if (std::filesystem::exists(path)) {
        fail(ErrorCode::already_exists,
             "a store already exists at " + path.string() + "; dspt init never overwrites one");
    }
    CreateOptions create;
    create.site_name = options.name;
    create.kdf_strength = kdf_strength_from_environment();
    if (options.user) {
        if (trim(*options.user).empty()) {
            fail(ErrorCode::invalid_argument,
                 "--user is empty: give the name people should see on your answers, e.g. "
                 "--user \"Sam Patel\"");
        }
        create.author_name = LocalStore::normalise_author_name(*options.user);
    }
    if (!options.pack_file.empty()) {
        create.pack = standards::parse_pack_json(read_file(options.pack_file, kMaxPackBytes),
                                                 options.pack_file);
        create.custom_pack = true;
        if (!options.year.empty() && options.year != create.pack.year) {
            fail(ErrorCode::invalid_argument,
                 options.pack_file + " is for " + create.pack.year + ", not " + options.year);
        }
    } else {
        create.pack = options.year.empty() ? standards::newest_bundled_pack()
                                           : standards::bundled_pack(options.year);
    }
    const auto passphrase = read_new_passphrase("DSPT_PASSPHRASE", context.global.passphrase_file);
    LocalStore::create(path, passphrase, create);
    auto& out = *context.out;
    out << "Created the store";
    if (!create.site_name.empty()) {
        out << " for " << create.site_name;
    }
    out << " at " << path.string() << "\n"
        << "Standards " << create.pack.year << ": " << create.pack.items.size() << " items, "
        << create.pack.count_mandatory_approaching() << " mandatory for Approaching Standards, "
        << create.pack.count_mandatory_met() << " for Standards Met.\n";
    if (!create.author_name.empty()) {
        out << "Answers made here show the name " << create.author_name
            << " (DSPT_USER, when set, names the author instead).\n";
    }
    out << "Keep the passphrase safe: without it nobody, including you, can open the store.\n";
}

}  // namespace

void add_init_command(CLI::App& app, CommandContext& context) {
    auto* init = app.add_subcommand("init", "Create the encrypted local store for this site");
    auto options = std::make_shared<InitOptions>();
    init->add_option("--year", options->year,
                     "Standards year, e.g. 2025-26 (default: the newest bundled)");
    init->add_option("--name", options->name, "The site's name, e.g. \"Rosewood Care Home\"");
    init->add_option("--pack", options->pack_file,
                     "Use an imported standards pack (JSON from 'dspt standards import')");
    init->add_option("--user", options->user,
                     "The name shown on your answers, e.g. \"Sam Patel\" (default: $DSPT_USER, "
                     "else your login name)");
    on_run(init, context, [&context, options] { run_init(context, *options); });
}

}  // namespace dspt::client
