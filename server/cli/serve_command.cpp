// `dspt-server serve`: runs the server until SIGINT or SIGTERM.

#include <charconv>
#include <cstdio>
#include <iostream>
#include <memory>

#include "common/clock/hybrid_clock.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/text.hpp"
#include "http/server.hpp"
#include "server/api/router.hpp"
#include "server/cli/commands.hpp"
#include "server/cli/config_file.hpp"
#include "server/cli/wall_clock.hpp"
#include "server/context.hpp"
#include "server/store/sqlite_repository.hpp"

namespace dspt::server {

namespace {

struct ServeOptions {
    std::string data;
    std::string listen = "127.0.0.1:8080";
    std::string tls_cert;
    std::string tls_key;
    bool insecure = false;
    std::size_t threads = 0;
    int auth_window_seconds = 300;
    int read_timeout_seconds = 30;
    int idle_timeout_seconds = 60;
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

int run_serve(const ServeOptions& options) {
    if (options.data.empty()) {
        fail(ErrorCode::invalid_argument, "--data DIR is required");
    }
    http::ServerConfig config;
    std::tie(config.listen_host, config.listen_port) = parse_listen(options.listen);
    if (!options.tls_cert.empty()) {
        config.tls_cert = options.tls_cert;
    }
    if (!options.tls_key.empty()) {
        config.tls_key = options.tls_key;
    }
    config.insecure = options.insecure;
    config.threads = options.threads;
    config.limits.body_limit = options.body_limit;
    config.limits.read_timeout = std::chrono::seconds(options.read_timeout_seconds);
    config.limits.idle_timeout = std::chrono::seconds(options.idle_timeout_seconds);
    if (!options.metrics_token_file.empty()) {
        config.metrics_token = read_metrics_token(options.metrics_token_file);
    }
    config.validate();

    auth::AuthConfig auth_config;
    auth_config.window = std::chrono::seconds(options.auth_window_seconds);
    Context context(std::make_unique<store::SqliteRepository>(options.data), auth_config, &now_ms,
                    options.max_value_bytes);
    context.tls = config.tls_cert.has_value();
    const api::Router router(context);
    http::HttpServer server(
        config, [&router](const http::Request& request) { return router.handle(request); });
    const auto port = server.start();
    server.stop_on_signals();
    std::cout << "dspt-server listening on " << (config.tls_cert ? "https" : "http") << "://"
              << config.listen_host << ":" << port << " (data " << options.data << ")" << std::endl;
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
    serve->add_option("--data", options->data, "Directory of the server's store (required)");
    serve->add_option("--listen", options->listen, "HOST:PORT to listen on")->capture_default_str();
    serve->add_option("--tls-cert", options->tls_cert, "TLS certificate chain (PEM)");
    serve->add_option("--tls-key", options->tls_key, "TLS private key (PEM)");
    serve->add_flag("--insecure", options->insecure,
                    "Allow plain HTTP on a non-loopback address (behind a TLS proxy only)");
    serve->add_option("--threads", options->threads, "Worker threads (0: one per core)")
        ->capture_default_str();
    serve
        ->add_option("--auth-window", options->auth_window_seconds,
                     "Seconds a signed request's timestamp may differ from the server's clock")
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
