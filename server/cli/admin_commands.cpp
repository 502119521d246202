// `dspt-server admin ...`: the registry and devices, run on the server host
// against the data directory (safe while the server runs: SQLite serialises).

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "common/clock/hybrid_clock.hpp"
#include "common/csv_reader.hpp"
#include "common/date.hpp"
#include "common/duration.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/standards/bundled.hpp"
#include "common/standards/loader.hpp"
#include "common/standards/pack_digest.hpp"
#include "common/text.hpp"
#include "protocol/enrolment_code.hpp"
#include "server/auth/access_policy.hpp"
#include "server/auth/enrolment_service.hpp"
#include "server/cli/commands.hpp"
#include "server/cli/wall_clock.hpp"
#include "server/store/open_repository.hpp"
#include "server/store/sqlite_repository.hpp"
#include "server/store/store_backup.hpp"
#include "server/sync/evidence_collector.hpp"

namespace dspt::server {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxRegistryBytes = 64 * 1024 * 1024;
constexpr std::size_t kMaxPackBytes = 8 * 1024 * 1024;

struct AdminOptions {
    std::string data;
    std::string store;
    bool create = false;
    bool json = false;
    // create-org / add-site
    std::string ods;
    std::string org;
    std::string site;
    std::string name;
    std::string cqc;
    bool hq = false;
    std::string ce_plus_expires;
    // import-sites
    std::string file;
    // enrol-code
    std::string partner;
    std::string expires_in = "7d";
    // revoke-device
    std::string device;
    // revoke-code
    std::string code_id;
    // collect-evidence
    int grace_hours = 24;
};

std::string role_name(store::DeviceRole role) {
    switch (role) {
        case store::DeviceRole::branch:
            return "branch";
        case store::DeviceRole::headquarters:
            return "headquarters";
        case store::DeviceRole::partner:
            return "partner";
    }
    return "unknown";
}

void print(const AdminOptions& options, const json& doc, const std::string& text) {
    if (options.json) {
        std::cout << doc.dump(2) << "\n";
    } else {
        std::cout << text << "\n";
    }
}

// A list: its rows as JSON, or its lines (each ending "\n") as text, or `none`
// when it has no line.
void print_list(const AdminOptions& options, const json& rows, std::string lines,
                const std::string& none) {
    if (lines.empty()) {
        lines = none + "\n";
    }
    lines.pop_back();
    print(options, rows, lines);
}

// The store the operator named. A data directory without a store is refused unless
// --create is given: a mistyped path would otherwise become a new, empty registry.
std::unique_ptr<store::Repository> open(const AdminOptions& options) {
    if (!options.data.empty() && options.store.empty() && !options.create &&
        !std::filesystem::exists(store::SqliteRepository::file_in(options.data))) {
        fail(ErrorCode::not_found,
             "there is no store in " + options.data + " (no " +
                 store::SqliteRepository::file_in(options.data).filename().string() +
                 " there). Check the path given to --data (the directory `dspt-server serve "
                 "--data` uses); to make a new, empty store there, run the command again with "
                 "`dspt-server admin --data " +
                 options.data + " --create ...`");
    }
    return store::open_repository({options.data, options.store});
}

// "never" for 0, else the moment people read.
std::string moment_or_never(std::int64_t unix_ms) {
    return unix_ms == 0 ? std::string("never") : long_moment_text(unix_ms);
}

// Lines of text as columns: each cell padded to its column's widest (the last
// column unpadded), header first.
std::string table_text(const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> width;
    for (const auto& row : rows) {
        width.resize(std::max(width.size(), row.size()));
        for (std::size_t c = 0; c < row.size(); ++c) {
            width[c] = std::max(width[c], row[c].size());
        }
    }
    std::string text;
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t c = 0; c < row.size(); ++c) {
            line += row[c];
            if (c + 1 < row.size()) {
                line += std::string(width[c] - row[c].size() + 2, ' ');
            }
        }
        text += line + "\n";
    }
    return text;
}

int create_org(const AdminOptions& options) {
    auto repo = open(options);
    store::Organisation organisation;
    organisation.ods = options.ods;
    organisation.name = options.name;
    organisation.is_headquarters = options.hq;
    organisation.created_at_ms = now_ms();
    if (!options.ce_plus_expires.empty()) {
        organisation.cyber_essentials_plus_expires = Date::parse(options.ce_plus_expires);
        if (!organisation.cyber_essentials_plus_expires) {
            fail(ErrorCode::invalid_argument, "the expiry needs a real date written YYYY-MM-DD");
        }
    }
    repo->create_organisation(organisation);
    if (organisation.cyber_essentials_plus_expires &&
        *organisation.cyber_essentials_plus_expires < Date::from_unix_ms(now_ms())) {
        std::cerr << "Warning: that Cyber Essentials Plus certificate expired on "
                  << long_date(*organisation.cyber_essentials_plus_expires)
                  << ": check the date given to --cyber-essentials-plus-expires.\n";
    }
    print(options,
          {{"ods", organisation.ods}, {"name", organisation.name}, {"headquarters", options.hq}},
          "Created organisation " + organisation.ods + " (" + organisation.name + ")" +
              (options.hq ? ", headquarters" : ""));
    return 0;
}

int add_site(const AdminOptions& options) {
    auto repo = open(options);
    store::Site site{options.ods, options.org, options.cqc, options.name};
    repo->add_site(site);
    print(options,
          {{"ods", site.ods},
           {"organisation", site.organisation_ods},
           {"cqc", site.cqc_location_id},
           {"name", site.name}},
          "Added site " + site.ods + " (" + site.name + ", CQC " + site.cqc_location_id +
              ") to organisation " + site.organisation_ods);
    return 0;
}

// Columns: organisation_ods, organisation_name, headquarters, site_ods,
// cqc_location_id, site_name (header row required, any order).
int import_sites(const AdminOptions& options) {
    const auto text = read_file(options.file, kMaxRegistryBytes);
    const auto records = read_csv(text, options.file);
    if (records.empty()) {
        fail(ErrorCode::invalid_argument, options.file + " is empty");
    }
    const std::vector<std::string> wanted{"organisation_ods", "organisation_name", "headquarters",
                                          "site_ods",         "cqc_location_id",   "site_name"};
    std::vector<std::size_t> column(wanted.size(), SIZE_MAX);
    for (std::size_t i = 0; i < records[0].fields.size(); ++i) {
        for (std::size_t w = 0; w < wanted.size(); ++w) {
            if (records[0].fields[i] == wanted[w]) {
                column[w] = i;
            }
        }
    }
    for (std::size_t w = 0; w < wanted.size(); ++w) {
        if (column[w] == SIZE_MAX) {
            fail(ErrorCode::invalid_argument, options.file + ":" + std::to_string(records[0].line) +
                                                  ": missing column \"" + wanted[w] + "\"");
        }
    }
    std::vector<store::RegistryRow> rows;
    for (std::size_t r = 1; r < records.size(); ++r) {
        const auto& fields = records[r].fields;
        auto field = [&](std::size_t w) -> std::string {
            if (column[w] >= fields.size()) {
                fail(ErrorCode::invalid_argument, options.file + ":" +
                                                      std::to_string(records[r].line) +
                                                      ": missing \"" + wanted[w] + "\"");
            }
            return fields[column[w]];
        };
        const auto hq = field(2);
        if (hq != "yes" && hq != "no" && hq != "true" && hq != "false") {
            fail(ErrorCode::invalid_argument, options.file + ":" + std::to_string(records[r].line) +
                                                  ": headquarters must be yes or no");
        }
        rows.push_back({ascii_upper(field(0)), field(1), hq == "yes" || hq == "true",
                        ascii_upper(field(3)), field(4), field(5)});
    }
    auto repo = open(options);
    const auto counts = repo->import_registry(rows, now_ms());
    print(options,
          {{"organisations_created", counts.organisations_created},
           {"organisations_updated", counts.organisations_updated},
           {"sites_created", counts.sites_created},
           {"sites_updated", counts.sites_updated}},
          "Imported " + std::to_string(rows.size()) +
              " rows: " + std::to_string(counts.organisations_created) + " organisations and " +
              std::to_string(counts.sites_created) + " sites created, " +
              std::to_string(counts.organisations_updated + counts.sites_updated) + " updated");
    return 0;
}

// A standards pack made by `dspt standards import`, kept so that publications
// made against it are evaluated with it.
int import_standards(const AdminOptions& options) {
    const auto text = read_file(options.file, kMaxPackBytes);
    const auto pack = standards::parse_pack_json(text, options.file);
    store::InstalledPack installed{pack.year, pack.version, standards::pack_digest(pack),
                                   standards::pack_to_json(pack), now_ms()};
    const bool added = open(options)->install_pack(installed);
    const std::string name =
        pack.year + (pack.version.empty() ? std::string() : " " + pack.version);
    print(options,
          {{"year", pack.year},
           {"version", pack.version},
           {"digest", installed.digest},
           {"items", pack.items.size()},
           {"installed", added}},
          (added ? "Installed the standards pack " : "The standards pack ") + name + " (" +
              std::to_string(pack.items.size()) + " items, digest " +
              installed.digest.substr(0, 16) + "...)" +
              (added ? ": publications made against it are evaluated with it"
                     : " was already installed"));
    return 0;
}

int list_standards(const AdminOptions& options) {
    json rows = json::array();
    std::string lines;
    for (const auto& year : standards::bundled_years()) {
        const auto& pack = standards::bundled_pack(year);
        const auto digest = standards::pack_digest(pack);
        rows.push_back(
            {{"year", year}, {"version", pack.version}, {"digest", digest}, {"bundled", true}});
        lines += year + "  " + pack.version + "  " + digest.substr(0, 16) + "  bundled\n";
    }
    for (const auto& pack : open(options)->installed_packs()) {
        rows.push_back({{"year", pack.year},
                        {"version", pack.version},
                        {"digest", pack.digest},
                        {"bundled", false}});
        lines += pack.year + "  " + pack.version + "  " + pack.digest.substr(0, 16) +
                 "  installed " + Date::from_unix_ms(pack.installed_at_ms).to_string() + "\n";
    }
    print_list(options, rows, lines, "No standards packs.");
    return 0;
}

int list_orgs(const AdminOptions& options) {
    auto repo = open(options);
    json rows = json::array();
    std::vector<std::vector<std::string>> table{{"ODS", "NAME", "KIND", "SITES", "CE+ EXPIRES"}};
    for (const auto& organisation : repo->list_organisations()) {
        const auto sites = repo->sites_of(organisation.ods).size();
        const auto& expires = organisation.cyber_essentials_plus_expires;
        rows.push_back(
            {{"ods", organisation.ods},
             {"name", organisation.name},
             {"headquarters", organisation.is_headquarters},
             {"sites", sites},
             {"cyber_essentials_plus_expires", expires ? json(expires->to_string()) : json()}});
        table.push_back({organisation.ods, organisation.name,
                         organisation.is_headquarters ? "headquarters" : "single",
                         std::to_string(sites), expires ? long_date(*expires) : "-"});
    }
    print_list(options, rows, table.size() == 1 ? std::string() : table_text(table),
               "No organisation is registered: add one with `dspt-server admin --data DIR "
               "create-org --ods CODE --name NAME`, or many with `import-sites FILE.csv`.");
    return 0;
}

int list_sites(const AdminOptions& options) {
    auto repo = open(options);
    std::vector<std::string> organisations;
    if (!options.org.empty()) {
        if (!repo->find_organisation(options.org)) {
            fail(ErrorCode::not_found, "no organisation " + options.org +
                                           " is registered: `dspt-server admin list-orgs` "
                                           "shows those that are");
        }
        organisations.push_back(options.org);
    } else {
        for (const auto& organisation : repo->list_organisations()) {
            organisations.push_back(organisation.ods);
        }
    }
    json rows = json::array();
    std::vector<std::vector<std::string>> table{{"ODS", "ORGANISATION", "CQC", "NAME"}};
    for (const auto& ods : organisations) {
        for (const auto& site : repo->sites_of(ods)) {
            rows.push_back({{"ods", site.ods},
                            {"organisation", site.organisation_ods},
                            {"cqc", site.cqc_location_id},
                            {"name", site.name}});
            table.push_back({site.ods, site.organisation_ods, site.cqc_location_id, site.name});
        }
    }
    print_list(options, rows, table.size() == 1 ? std::string() : table_text(table),
               options.org.empty()
                   ? "No site is registered: add one with `dspt-server admin --data DIR "
                     "add-site --org CODE --ods CODE --cqc 1-... --name NAME`."
                   : "Organisation " + options.org +
                         " has no site registered: add one with "
                         "`dspt-server admin --data DIR add-site --org " +
                         options.org + " --ods CODE --cqc 1-... --name NAME`.");
    return 0;
}

int create_partner(const AdminOptions& options) {
    auto repo = open(options);
    const auto partner = repo->create_partner(options.name, now_ms());
    print(options, {{"id", partner.id}, {"name", partner.name}},
          "Created partner \"" + partner.name + "\"");
    return 0;
}

int enrol_code(const AdminOptions& options) {
    if (options.partner.empty() == options.org.empty()) {
        fail(ErrorCode::invalid_argument, "give --org CODE [--site CODE], or --partner NAME");
    }
    auto repo = open(options);
    const auth::AccessPolicy policy(*repo, &now_ms);
    auth::EnrolmentService service(*repo, policy, &now_ms);
    const auto lifetime = parse_duration(options.expires_in);
    const auto code =
        service.create_admin_code(options.org, options.site, options.partner, lifetime);
    const auto& token = code.token;
    std::string what = "a " + role_name(token.role) + " device";
    if (!token.site_ods.empty()) {
        what += " of site " + token.site_ods;
    } else if (!token.organisation_ods.empty()) {
        what += " of organisation " + token.organisation_ods;
    } else {
        what += " of partner \"" + options.partner + "\"";
    }
    const auto command = "dspt enrol --server https://THIS-SERVER --code " + code.code;
    print(options,
          {{"code", code.code},
           {"role", role_name(token.role)},
           {"organisation", token.organisation_ods},
           {"site", token.site_ods},
           {"partner", options.partner},
           {"expires_at_ms", token.expires_at_ms},
           {"expires", long_moment_text(token.expires_at_ms)},
           {"command", command}},
          "Enrolment code for " + what + " (single use, valid " + format_duration(lifetime) +
              ", until " + long_moment_text(token.expires_at_ms) + "):\n" + code.code +
              "\n\nOn the device, after `dspt init`, run:\n  " + command +
              "\n(with this server's address). Once it expires, make a new code with "
              "`dspt-server admin enrol-code`.");
    return 0;
}

// Each device with its last contact: the latest sync report it sent (partner
// devices send none, so theirs shows as "-").
int list_devices(const AdminOptions& options) {
    auto repo = open(options);
    std::map<std::string, std::int64_t> last_seen;
    for (const auto& organisation : repo->list_organisations()) {
        for (const auto& health : repo->sync_health_of(organisation.ods)) {
            last_seen[health.device_id] = health.reported_at_ms;
        }
    }
    json rows = json::array();
    std::vector<std::vector<std::string>> table{
        {"DEVICE ID", "ROLE", "SITE/ORG", "NAME", "ENROLLED", "LAST SEEN", "STATE"}};
    for (const auto& device : repo->list_devices()) {
        const auto seen = last_seen.find(device.id);
        const std::int64_t seen_ms = seen == last_seen.end() ? 0 : seen->second;
        rows.push_back({{"id", device.id},
                        {"role", role_name(device.role)},
                        {"organisation", device.organisation_ods},
                        {"site", device.site_ods},
                        {"name", device.name},
                        {"enrolled_at_ms", device.enrolled_at_ms},
                        {"last_seen_at_ms", seen_ms == 0 ? json() : json(seen_ms)},
                        {"revoked", device.revoked_at_ms.has_value()}});
        table.push_back(
            {device.id, role_name(device.role),
             device.site_ods.empty() ? device.organisation_ods : device.site_ods,
             device.name.empty() ? "-" : device.name, long_moment_text(device.enrolled_at_ms),
             device.role == store::DeviceRole::partner && seen_ms == 0 ? "-"
                                                                       : moment_or_never(seen_ms),
             device.revoked_at_ms
                 ? "revoked " + long_date(Date::from_unix_ms(*device.revoked_at_ms))
                 : "active"});
    }
    print_list(options, rows, table.size() == 1 ? std::string() : table_text(table),
               "No devices enrolled: make a code for the first with `dspt-server admin "
               "enrol-code --org CODE`.");
    return 0;
}

int revoke_device(const AdminOptions& options) {
    auto repo = open(options);
    const auto device = repo->find_device(options.device);
    repo->revoke_device(options.device, now_ms());
    const auto name = device && !device->name.empty() ? " (\"" + device->name + "\")" : "";
    print(options, {{"revoked", options.device}},
          "Revoked device " + options.device + name +
              ": its requests are refused from now on, and the codes it made and nobody "
              "used no longer work");
    return 0;
}

// What a code enrols: "headquarters of RX1", "branch of site RX1-01", "partner 3".
std::string code_target(const store::EnrolmentToken& token) {
    if (token.partner_id) {
        return "a partner device (partner " + std::to_string(*token.partner_id) + ")";
    }
    if (!token.site_ods.empty()) {
        return "a branch device of site " + token.site_ods;
    }
    return "a headquarters device of " + token.organisation_ods;
}

int list_codes(const AdminOptions& options) {
    auto repo = open(options);
    json rows = json::array();
    std::string text;
    for (const auto& token : repo->usable_tokens(options.org, "", now_ms())) {
        rows.push_back({{"id", token.token_id},
                        {"role", role_name(token.role)},
                        {"organisation", token.organisation_ods},
                        {"site", token.site_ods},
                        {"partner_id", token.partner_id ? json(*token.partner_id) : json()},
                        {"created_by", token.created_by},
                        {"created_at_ms", token.created_at_ms},
                        {"expires_at_ms", token.expires_at_ms}});
        text += token.token_id + "  for " + code_target(token) + ", made by " +
                (token.created_by == "admin" ? std::string("the operator")
                                             : "device " + token.created_by) +
                " on " + utc_minute_text(token.created_at_ms) + " UTC, works until " +
                utc_minute_text(token.expires_at_ms) + " UTC\n";
    }
    print_list(options, rows, text, "No enrolment code is waiting to be used.");
    return 0;
}

int revoke_code(const AdminOptions& options) {
    auto repo = open(options);
    const auto token =
        repo->void_token(protocol::EnrolmentCode::token_id_of(options.code_id), "", now_ms());
    print(options, {{"cancelled", token.token_id}},
          "Cancelled enrolment code " + token.token_id + " (for " + code_target(token) +
              "): it can no longer enrol a device");
    return 0;
}

std::string mib_text(std::uint64_t bytes) {
    const auto tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " MiB";
}

int storage(const AdminOptions& options) {
    auto repo = open(options);
    json rows = json::array();
    std::string text;
    for (const auto& use : repo->storage_use()) {
        rows.push_back(
            {{"organisation", use.organisation_ods}, {"files", use.files}, {"bytes", use.bytes}});
        text += use.organisation_ods + "  " + std::to_string(use.files) + " evidence file" +
                (use.files == 1 ? "" : "s") + ", " + mib_text(use.bytes) + "\n";
    }
    print_list(options, rows, text, "No organisation keeps evidence on this server.");
    return 0;
}

int collect_evidence(const AdminOptions& options) {
    auto repo = open(options);
    const auto removed =
        sync::collect_evidence(*repo, now_ms(), std::chrono::hours(options.grace_hours));
    print(options, {{"files", removed.files}, {"bytes", removed.bytes}},
          "Removed " + std::to_string(removed.files) + " evidence file" +
              (removed.files == 1 ? "" : "s") + " no record names (" + mib_text(removed.bytes) +
              ")");
    return 0;
}

// A consistent copy of the embedded store, safe while the server runs.
int backup(const AdminOptions& options) {
    if (!options.store.empty() || options.data.empty()) {
        fail(ErrorCode::invalid_argument,
             "admin backup copies the embedded store: give --data DIR (back up a PostgreSQL "
             "store with PostgreSQL's own tools, such as pg_dump)");
    }
    const auto source = store::SqliteRepository::file_in(options.data);
    const auto bytes = store::backup_store(options.data, options.file);
    print(options, {{"source", source.string()}, {"backup", options.file}, {"bytes", bytes}},
          "Backed up " + source.string() + " to " + options.file + " (" + mib_text(bytes) +
              "). To restore it, stop the server and copy it back as " + source.string() +
              ", removing any " + source.filename().string() +
              "-wal and -shm beside it. It holds the evidence files too.");
    return 0;
}

}  // namespace

void add_admin_commands(CLI::App& app, CommandContext& context) {
    auto* admin = app.add_subcommand("admin", "Manage the registry and devices on the server host");
    admin->require_subcommand(1);
    auto options = std::make_shared<AdminOptions>();
    admin->add_option("--data", options->data, "Directory of the embedded store");
    admin->add_option("--store", options->store,
                      "postgresql://USER@HOST[:PORT]/DB: the PostgreSQL store instead");
    admin->add_flag("--create", options->create,
                    "Make a new, empty store in --data DIR if there is none (otherwise a "
                    "directory without a store is refused)");
    admin->add_flag("--json", options->json, "Machine-readable output");
    admin->fallthrough();

    // ODS codes are upper case; people type them in either.
    const auto upper = [](std::string code) { return ascii_upper(code); };

    auto on_run = [&context, options](CLI::App* command, int (*work)(const AdminOptions&)) {
        command->callback([&context, options, work] {
            context.action = [options, work] { return work(*options); };
        });
    };

    auto* org = admin->add_subcommand("create-org", "Register an organisation");
    org->add_option("--ods", options->ods, "Its ODS code, e.g. AB1")->required()->transform(upper);
    org->add_option("--name", options->name, "Its name")->required();
    org->add_flag("--hq", options->hq, "A headquarters of several sites");
    org->add_option("--cyber-essentials-plus-expires", options->ce_plus_expires,
                    "Expiry of its Cyber Essentials Plus certificate, YYYY-MM-DD");
    on_run(org, create_org);

    auto* site = admin->add_subcommand("add-site", "Register a site of an organisation");
    site->add_option("--org", options->org, "The organisation's ODS code")
        ->required()
        ->transform(upper);
    site->add_option("--ods", options->ods, "The site's ODS code, e.g. VA1B2")
        ->required()
        ->transform(upper);
    site->add_option("--cqc", options->cqc, "The CQC location id, e.g. 1-123456789")->required();
    site->add_option("--name", options->name, "The site's name")->required();
    on_run(site, add_site);

    auto* import = admin->add_subcommand(
        "import-sites", "Import organisations and sites from CSV (all rows or none)");
    import
        ->add_option("FILE", options->file,
                     "CSV with organisation_ods, organisation_name,"
                     " headquarters, site_ods, cqc_location_id, site_name")
        ->required();
    on_run(import, import_sites);

    auto* standards_import = admin->add_subcommand(
        "import-standards",
        "Hold a standards pack (JSON from 'dspt standards import') to evaluate publications with");
    standards_import->add_option("FILE", options->file, "The pack, JSON")->required();
    on_run(standards_import, import_standards);

    on_run(admin->add_subcommand("list-standards",
                                 "List the standards packs held: bundled and installed"),
           list_standards);

    on_run(admin->add_subcommand("list-orgs", "List the registered organisations"), list_orgs);

    auto* sites = admin->add_subcommand("list-sites", "List the registered sites");
    sites->add_option("--org", options->org, "Only the sites of this organisation")
        ->transform(upper);
    on_run(sites, list_sites);

    auto* partner = admin->add_subcommand("create-partner", "Register a support partner");
    partner->add_option("--name", options->name, "The partner's name")->required();
    on_run(partner, create_partner);

    auto* code = admin->add_subcommand("enrol-code", "Make a single-use enrolment code");
    code->add_option("--org", options->org, "For a device of this organisation")->transform(upper);
    code->add_option("--site", options->site, "... as the branch device of this site")
        ->transform(upper);
    code->add_option("--partner", options->partner, "For a device of this partner");
    code->add_option("--expires-in", options->expires_in,
                     "How long the code stays valid: 90m, 72h, 7d (at most 30d)")
        ->capture_default_str();
    on_run(code, enrol_code);

    on_run(admin->add_subcommand("list-devices",
                                 "List enrolled devices, with when each was last seen"),
           list_devices);

    auto* revoke = admin->add_subcommand("revoke-device", "Revoke a device");
    revoke->add_option("ID", options->device, "The device id")->required();
    on_run(revoke, revoke_device);

    auto* codes = admin->add_subcommand(
        "list-codes", "List the enrolment codes still waiting to be used (never their secrets)");
    codes->add_option("--org", options->org, "Only the codes of this organisation")
        ->transform(upper);
    on_run(codes, list_codes);

    auto* revoke_one = admin->add_subcommand("revoke-code", "Cancel an unused enrolment code");
    revoke_one
        ->add_option("ID", options->code_id,
                     "The code's id: its part before the '-' (as list-codes shows)")
        ->required();
    on_run(revoke_one, revoke_code);

    on_run(admin->add_subcommand("storage", "Show the evidence each organisation keeps here"),
           storage);

    auto* collect = admin->add_subcommand(
        "collect-evidence",
        "Remove now the evidence no record names: uploads never finished, files removed (serve "
        "does it hourly)");
    collect
        ->add_option("--grace-hours", options->grace_hours,
                     "Keep files whose upload began less than this long ago")
        ->check(CLI::Range(0, 24 * 365))
        ->capture_default_str();
    on_run(collect, collect_evidence);

    auto* copy = admin->add_subcommand(
        "backup", "Copy the embedded store to a new file, consistently, while the server runs");
    copy->add_option("OUT", options->file, "The new file (never overwritten); written 0600")
        ->required();
    on_run(copy, backup);
}

}  // namespace dspt::server
