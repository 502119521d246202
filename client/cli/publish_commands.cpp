// `dspt publish`, `dspt publications` and `dspt certificate`: what happens when
// a site or a headquarters publishes, and what it can show afterwards.

#include <algorithm>
#include <chrono>
#include <memory>
#include <ostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "client/cli/command.hpp"
#include "client/cli/command_session.hpp"
#include "client/cli/confirm.hpp"
#include "client/cli/network_options.hpp"
#include "client/cli/output_file.hpp"
#include "client/cli/progress_view.hpp"
#include "client/format/output.hpp"
#include "client/store/publish_outlook.hpp"
#include "client/store/publish_state.hpp"
#include "client/store/sync_state.hpp"
#include "client/sync/sync_run.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/standards/pack.hpp"
#include "common/standards/year.hpp"
#include "common/text.hpp"

namespace dspt::client {

namespace {

struct PublishOptions {
    std::string level;
    std::vector<std::string> sites;
    bool json = false;
    bool yes = false;
    std::string server;
    std::size_t attempts = RetryPolicy{}.attempts;
};

nlohmann::json to_json(const protocol::PublicationView& publication) {
    const auto published = Date::from_unix_ms(publication.published_at_ms);
    return {{"id", publication.id},
            {"organisation", publication.organisation_ods},
            {"sites", publication.sites},
            {"year", publication.year},
            {"level", publication.level},
            {"published", published.to_string()},
            {"published_at_ms", publication.published_at_ms},
            {"lapsed", standards::publication_lapsed(published, Date::today())},
            {"device", publication.device_id}};
}

void sleep_for(std::chrono::milliseconds pause) {
    std::this_thread::sleep_for(pause);
}

void print_publish_answer(std::ostream& out, const protocol::PublishResponse& answer, bool json) {
    if (json) {
        auto problems = nlohmann::json::array();
        for (const auto& problem : answer.problems) {
            problems.push_back(
                {{"site", problem.site}, {"item", problem.item}, {"message", problem.message}});
        }
        out << nlohmann::json{{"published", answer.published},
                              {"duplicate", answer.duplicate},
                              {"publication",
                               answer.published ? to_json(answer.publication) : nlohmann::json()},
                              {"problems", problems}}
                   .dump(2)
            << "\n";
        return;
    }
    if (answer.published) {
        const auto& publication = answer.publication;
        out << "Published " << publication.organisation_ods << " at "
            << level_display(publication.level) << " for " << publication.year << " on "
            << Date::from_unix_ms(publication.published_at_ms).to_string() << ": "
            << joined(publication.sites) << " (publication " << publication.id << ")"
            << (answer.duplicate ? "; the server had already recorded it" : "") << ".\n";
        return;
    }
    out << "Not published. Fix these, sync, and publish again:\n";
    for (const auto& problem : answer.problems) {
        out << "  - ";
        if (!problem.site.empty()) {
            out << problem.site << ": ";
        }
        out << problem.message << "\n";
    }
}

void run_publish(CommandContext& context, const PublishOptions& options) {
    const auto level = standards::parse_level(options.level);
    if (!level || *level == standards::Level::none) {
        fail(ErrorCode::invalid_argument,
             "--level is approaching, met or exceeded, not \"" + options.level + "\"");
    }
    RetryPolicy policy;
    policy.attempts = std::max<std::size_t>(options.attempts, 1);

    // The server publishes what it holds, so everything goes there first.
    *context.err << "dspt: syncing before publishing\n";
    sync_with_retry(context, options.server, policy);

    CommandSession session(context, options.server);
    // Rules the server applies whatever the answers, checked here first on
    // what the sync just learned, so nothing is asked that will be refused.
    const auto today = Date::today();
    if (const auto refusals = refusals_before_asking(session.store(), *level, today);
        !refusals.empty()) {
        protocol::PublishResponse refused;
        for (const auto& refusal : refusals) {
            refused.problems.push_back({"", "", refusal});
        }
        print_publish_answer(*context.out, refused, options.json);
        fail(ErrorCode::failed_precondition,
             "not published, nothing asked of the server: " + refusals.front());
    }
    // A request whose answer was lost is sent again as it was, without asking:
    // the user chose it, and the server answers it with its publication. A
    // headquarters that chose no site is told by the server to choose.
    const auto intent = publish_intent(session.store(), *level, options.sites);
    const bool no_choice =
        session.identity().role == protocol::Role::headquarters && options.sites.empty();
    const auto earlier = no_choice || publish_request_pending(session.store(), intent)
                             ? std::nullopt
                             : republishes(session.store(), *level, options.sites, today);
    if (earlier) {
        const auto what = describe_republish(*earlier);
        if (!confirmed(context, "This republishes: " + what + ". Publish again?", options.yes,
                       "not published: " + what +
                           "; publishing again republishes it: add --yes to confirm")) {
            *context.out << "Not published.\n";
            return;
        }
        *context.err << "dspt: republishing (" << what << ")\n";
    }
    const auto notice = [&context](const Error& failure, std::chrono::milliseconds pause) {
        *context.err << "dspt: publishing interrupted (" << failure.what() << "); asking again in "
                     << pause.count() / 1000.0 << " s\n";
    };
    const auto answer = publish_synced(session, *level, options.sites, policy, notice, sleep_for);
    print_publish_answer(*context.out, answer, options.json);
    if (!answer.published) {
        fail(ErrorCode::failed_precondition, "not published: the server found " +
                                                 std::to_string(answer.problems.size()) +
                                                 " problem(s)");
    }
}

void run_publications(CommandContext& context, bool json) {
    CommandSession session(context);
    const auto list = session.api().publications();
    if (json) {
        auto rows = nlohmann::json::array();
        for (const auto& publication : list.publications) {
            rows.push_back(to_json(publication));
        }
        *context.out << rows.dump(2) << "\n";
        return;
    }
    if (list.publications.empty()) {
        *context.out << "Nothing published yet.\n";
        return;
    }
    std::vector<std::vector<std::string>> rows{{"PUBLISHED", "YEAR", "LEVEL", "SITES", "STATUS"}};
    for (const auto& publication : list.publications) {
        const auto published = Date::from_unix_ms(publication.published_at_ms);
        rows.push_back(
            {published.to_string(), publication.year, level_display(publication.level),
             joined(publication.sites),
             standards::publication_lapsed(published, Date::today()) ? "lapsed" : "current"});
    }
    print_table(*context.out, rows);
}

struct CertificateOptions {
    std::string out;
    std::string year;
    bool force = false;
};

void run_certificate(CommandContext& context, const CertificateOptions& options) {
    const std::string extension =
        ascii_lower(std::filesystem::path(options.out).extension().string());
    if (extension != ".pdf" && extension != ".png") {
        fail(ErrorCode::invalid_argument,
             "certificate writes .pdf or .png files (the name's ending picks the format); \"" +
                 options.out + "\" is neither: give e.g. --out certificate.pdf");
    }
    const std::string format = extension.substr(1);
    refuse_existing_output(options.out, options.force);
    CommandSession session(context);
    const auto year = options.year.empty() ? session.store().info().year : options.year;
    if (!standards::is_valid_year(year)) {
        fail(ErrorCode::invalid_argument,
             "a standards year is written like 2025-26, not \"" + year + "\"");
    }
    const auto bytes = session.api().certificate(year, format);
    write_file_atomic(options.out, bytes);
    *context.out << "Wrote the " << year << " certificate to " << options.out << " ("
                 << human_size(bytes.size()) << ").\n";
}

}  // namespace

void add_publish_commands(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<PublishOptions>();
    auto* publish = app.add_subcommand(
        "publish", "Sync, then ask the server to publish the assessment at a level");
    publish->add_option("--level", options->level, "approaching, met or exceeded")->required();
    ods_codes(publish
                  ->add_option("--sites", options->sites,
                               "Headquarters: the sites to publish for, e.g. VA001,VA002")
                  ->delimiter(','));
    publish->add_flag("--json", options->json, "Machine-readable output");
    publish->add_flag("--yes", options->yes,
                      "Republish without asking when the same level was published today");
    publish->add_option("--server", options->server, "Use this server address for this run");
    publish->add_option("--attempts", options->attempts,
                        "Tries before giving up on a failing connection (default 6)");
    add_network_options(publish, context);
    on_run(publish, context, [&context, options] { run_publish(context, *options); });

    auto json = std::make_shared<bool>(false);
    auto* publications = app.add_subcommand("publications", "List the organisation's publications");
    publications->add_flag("--json", *json, "Machine-readable output");
    add_network_options(publications, context);
    on_run(publications, context, [&context, json] { run_publications(context, *json); });

    auto certificate_options = std::make_shared<CertificateOptions>();
    auto* certificate = app.add_subcommand(
        "certificate", "Download the certificate of a Standards Met or Exceeded publication");
    certificate->add_option("--out", certificate_options->out, "FILE.pdf or FILE.png")->required();
    certificate->add_option("--year", certificate_options->year,
                            "Standards year (default: the store's)");
    certificate->add_flag("--force", certificate_options->force, "Replace FILE if it exists");
    add_network_options(certificate, context);
    on_run(certificate, context,
           [&context, certificate_options] { run_certificate(context, *certificate_options); });
}

}  // namespace dspt::client
