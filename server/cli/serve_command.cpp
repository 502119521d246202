// `dspt-server serve`: runs the server until SIGINT or SIGTERM.

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "common/clock/hybrid_clock.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/text.hpp"
#include "http/access_log.hpp"
#include "http/rate_limiter.hpp"
#include "http/server.hpp"
#include "server/api/router.hpp"
#include "server/cli/commands.hpp"
#include "server/cli/config_file.hpp"
#include "server/cli/wall_clock.hpp"
#include "server/context.hpp"
#include "server/store/open_repository.hpp"
#include "server/store/sqlite_repository.hpp"
#include "server/sync/evidence_collector.hpp"

namespace dspt::server {

namespace {

// Worker threads per core when --threads is 0. Each thread runs the event loop of
// the connections it was given, and a request's handler holds its thread while it
// runs. More threads than cores cost kernel switching on small requests: a MACed
// GET /v1/whoami took 24-39 us of server CPU with four per core, 28-33 us with two
// and 21-28 us with one, on a shared 2-core machine (tests/bench/server_bench.sh).
// Too few leave a core idle while a handler waits for the store's writer or stores
// an evidence chunk: the deadline load (tests/bench/deadline_bench.sh, 10,000 sites)
// took 22.5-22.8 s with one per core against 20.3-20.9 s with two and 19.2-22.1 s
// with four. Two per core keeps most of both.
constexpr std::size_t kThreadsPerCore = 2;

std::size_t default_threads() {
    return kThreadsPerCore * std::max(1U, std::thread::hardware_concurrency());
}

struct ServeOptions {
    std::string data;
    std::string store;
    std::size_t store_connections = 8;
    std::string listen = "127.0.0.1:8080";
    std::string tls_cert;
    std::string tls_key;
    bool insecure = false;
    std::string public_url;
    std::size_t threads = 0;
    int auth_window_seconds = 300;
    int session_lifetime_seconds = 1800;
    int read_timeout_seconds = 30;
    int idle_timeout_seconds = 60;
    int first_byte_timeout_seconds = 10;
    std::size_t max_connections = 10'000;
    std::size_t max_connections_per_address = 256;
    std::uint64_t storage_quota_mib = 20 * 1024;
    int evidence_grace_hours = 24;
    double public_rate = 5;
    double public_burst = 30;
    std::size_t body_limit = 16 * 1024 * 1024;
    std::size_t max_value_bytes = sync::kMaxPayloadBytes;
    std::string metrics_token_file;
};

// The shortest metrics token taken: 128 bits of hex, or the like.
constexpr std::size_t kMinMetricsTokenChars = 32;

// The token of --metrics-token-file: its first line, without surrounding blanks.
std::string read_metrics_token(const std::string& file) {
    const auto text = read_file(file, 4096);
    const auto token = std::string(trim(text.substr(0, text.find_first_of("\r\n")), " \t"));
    if (token.size() < kMinMetricsTokenChars || token.find_first_of(" \t") != std::string::npos) {
        fail(ErrorCode::invalid_argument,
             "the metrics token in " + file + " must be one word of at least " +
                 std::to_string(kMinMetricsTokenChars) + " characters (e.g. openssl rand -hex 32)");
    }
    return token;
}

// "HOST:PORT", "[::1]:PORT".
std::pair<std::string, std::uint16_t> parse_listen(const std::string& text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
        fail(ErrorCode::invalid_argument, "--listen takes HOST:PORT, not \"" + text + "\"");
    }
    std::string host = text.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    unsigned port = 0;
    const auto digits = std::string_view(text).substr(colon + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc{} || end != digits.data() + digits.size() || port > 65535) {
        fail(ErrorCode::invalid_argument, "bad port in --listen \"" + text + "\"");
    }
    return {host, static_cast<std::uint16_t>(port)};
}

// "https://HOST[:PORT][/]" -> without the trailing slash. Only https: the
// setting says browsers reach the server encrypted, so its cookies are Secure.
std::string parse_public_url(const std::string& text) {
    constexpr std::string_view kScheme = "https://";
    std::string_view rest(text);
    if (!rest.starts_with(kScheme)) {
        fail(ErrorCode::invalid_argument,
             "--public-url is the https:// address browsers reach the server at, not \"" + text +
                 "\"");
    }
    rest.remove_prefix(kScheme.size());
    if (rest.ends_with('/')) {
        rest.remove_suffix(1);
    }
    const bool printable = std::all_of(rest.begin(), rest.end(), [](char c) {
        return c > ' ' && c < 0x7f && c != '/' && c != '?' && c != '#' && c != '@' && c != '\\';
    });
    if (rest.empty() || rest.front() == ':' || !printable) {
        fail(ErrorCode::invalid_argument,
             "--public-url takes https://HOST[:PORT], no path, not \"" + text + "\"");
    }
    return std::string(kScheme) + std::string(rest);
}

int run_serve(const ServeOptions& options) {
    const store::StoreLocation location{options.data, options.store, options.store_connections};
    http::ServerConfig config;
    std::tie(config.listen_host, config.listen_port) = parse_listen(options.listen);
    if (!options.tls_cert.empty()) {
        config.tls_cert = options.tls_cert;
    }
    if (!options.tls_key.empty()) {
        config.tls_key = options.tls_key;
    }
    config.insecure = options.insecure;
    config.threads = options.threads != 0 ? options.threads : default_threads();
    config.limits.body_limit = options.body_limit;
    config.limits.read_timeout = std::chrono::seconds(options.read_timeout_seconds);
    config.limits.idle_timeout = std::chrono::seconds(options.idle_timeout_seconds);
    config.limits.first_byte_timeout = std::chrono::seconds(options.first_byte_timeout_seconds);
    config.limits.max_connections = options.max_connections;
    config.limits.max_connections_per_address = options.max_connections_per_address;
    if (!options.metrics_token_file.empty()) {
        config.metrics_token = read_metrics_token(options.metrics_token_file);
    }
    config.validate();
    const auto public_url =
        options.public_url.empty() ? std::string() : parse_public_url(options.public_url);

    auth::AuthConfig auth_config;
    auth_config.window = std::chrono::seconds(options.auth_window_seconds);
    auth_config.session_lifetime = std::chrono::seconds(options.session_lifetime_seconds);
    if (location.store.empty() && !location.data_dir.empty() &&
        !std::filesystem::exists(store::SqliteRepository::file_in(location.data_dir))) {
        std::cout << "dspt-server: no store in " << location.data_dir
                  << " yet: creating a new, empty one there (register organisations with "
                     "`dspt-server admin --data "
                  << location.data_dir << " create-org ...`)" << std::endl;
    }
    Context context(store::open_repository(location), auth_config, &now_ms, options.max_value_bytes,
                    options.storage_quota_mib * 1024 * 1024);
    const sync::EvidenceCollector collector(*context.repository, &now_ms,
                                            std::chrono::hours(options.evidence_grace_hours),
                                            std::chrono::hours(1), http::write_stderr_line);
    context.tls = config.tls_cert.has_value();
    if (options.public_rate > 0) {
        context.public_rate =
            std::make_unique<http::RateLimiter>(options.public_rate, options.public_burst);
    }
    context.public_url = public_url;
    if (public_url.empty() && options.insecure && !context.tls) {
        std::cerr << "dspt-server: plain HTTP with --insecure: behind a TLS proxy, give "
                     "--public-url https://... so browser session cookies are marked Secure"
                  << std::endl;
    }
    const api::Router router(context);
    http::HttpServer server(
        config, [&router](const http::Request& request) { return router.handle(request); });
    const auto port = server.start();
    server.stop_on_signals();
    std::cout << "dspt-server listening on " << (config.tls_cert ? "https" : "http") << "://"
              << config.listen_host << ":" << port << " (" << store::describe(location) << ")"
              << std::endl;
    server.wait();
    std::cout << "dspt-server stopped" << std::endl;
    return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, CommandContext& context) {
    auto* serve = app.add_subcommand("serve", "Run the server");
    auto options = std::make_shared<ServeOptions>();
    auto config = std::make_shared<std::string>();
    serve->add_option("--config", *config,
                      "Read settings from FILE: key = value lines, keys named as these flags "
                      "(flags given here win)");
    serve->add_option("--data", options->data,
                      "Directory of the embedded store (SQLite); this or --store is required");
    serve->add_option("--store", options->store,
                      "postgresql://USER@HOST[:PORT]/DB: keep the store in PostgreSQL, shared "
                      "by several servers");
    serve
        ->add_option("--store-connections", options->store_connections,
                     "PostgreSQL connections this server may hold, 1 to 256")
        ->capture_default_str();
    serve->add_option("--listen", options->listen, "HOST:PORT to listen on")->capture_default_str();
    serve->add_option("--tls-cert", options->tls_cert, "TLS certificate chain (PEM)");
    serve->add_option("--tls-key", options->tls_key, "TLS private key (PEM)");
    serve->add_flag("--insecure", options->insecure,
                    "Allow plain HTTP on a non-loopback address (behind a TLS proxy only)");
    serve->add_option("--public-url", options->public_url,
                      "The https:// address browsers reach the server at, behind a "
                      "TLS-terminating proxy: cookies are marked Secure, and links and "
                      "certificates (the register page that confirms them) use it");
    serve
        ->add_option("--threads", options->threads,
                     "Worker threads (0: " + std::to_string(kThreadsPerCore) + " per core)")
        ->capture_default_str();
    serve
        ->add_option("--auth-window", options->auth_window_seconds,
                     "Seconds a signed request's timestamp may differ from the server's clock")
        ->check(CLI::Range(1, 3600))
        ->capture_default_str();
    serve
        ->add_option("--session-lifetime", options->session_lifetime_seconds,
                     "Seconds a device's request session lives before it opens another")
        ->check(CLI::Range(1, 3600))
        ->capture_default_str();
    serve
        ->add_option("--read-timeout", options->read_timeout_seconds,
                     "Seconds to receive a whole request")
        ->check(CLI::Range(1, 3600))
        ->capture_default_str();
    serve
        ->add_option("--idle-timeout", options->idle_timeout_seconds,
                     "Seconds an idle keep-alive connection stays open")
        ->check(CLI::Range(1, 3600))
        ->capture_default_str();
    serve
        ->add_option("--first-byte-timeout", options->first_byte_timeout_seconds,
                     "Seconds a new connection has to send the start of its first request")
        ->check(CLI::Range(1, 3600))
        ->capture_default_str();
    serve->add_option("--max-connections", options->max_connections, "Open connections at most")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
        ->capture_default_str();
    serve
        ->add_option("--max-connections-per-address", options->max_connections_per_address,
                     "Open connections at most from one client address (behind a proxy, "
                     "raise it to --max-connections)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
        ->capture_default_str();
    serve
        ->add_option("--storage-quota", options->storage_quota_mib,
                     "Evidence one organisation may keep on the server, in MiB (0: no quota)")
        ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1} << 30))
        ->capture_default_str();
    serve
        ->add_option("--evidence-grace", options->evidence_grace_hours,
                     "Hours an evidence upload is kept before its record arrives; the chunks of "
                     "uploads never finished and of removed files go after it, checked hourly")
        ->check(CLI::Range(1, 24 * 365))
        ->capture_default_str();
    serve
        ->add_option("--public-rate", options->public_rate,
                     "Requests a second one client address may make to the public register and "
                     "certificates, after a burst of --public-burst (0: no limit; behind a proxy, "
                     "limit there instead)")
        ->check(CLI::Range(0.0, 100000.0))
        ->capture_default_str();
    serve
        ->add_option("--public-burst", options->public_burst,
                     "Requests one client address may make at once before --public-rate applies")
        ->check(CLI::Range(1.0, 100000.0))
        ->capture_default_str();
    serve->add_option("--body-limit", options->body_limit, "Largest request body in bytes")
        ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30))
        ->capture_default_str();
    serve
        ->add_option("--max-value-bytes", options->max_value_bytes,
                     "Largest value of one change in bytes (an answer with its comment, a plan "
                     "entry); a larger change is refused and set aside by the device that sent it")
        ->check(CLI::Range(std::size_t{256}, sync::kMaxPayloadBytes))
        ->capture_default_str();
    serve->add_option("--metrics-token-file", options->metrics_token_file,
                      "Let peers other than this host read /metrics with 'Authorization: Bearer "
                      "TOKEN', TOKEN the file's first line (32 characters or more); without it "
                      "/metrics answers this host only");
    serve->callback([&context, options, config, serve] {
        if (!config->empty()) {
            apply_config_file(*serve, *config);
        }
        context.action = [options] { return run_serve(*options); };
    });
}

}  // namespace dspt::server
