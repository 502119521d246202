// Load generator for dspt-server benchmarks (driven by tests/bench/server_bench.sh).
// Prints figures; asserts nothing and is not a ctest test.
//
//   dspt_server_bench load --home DIR --port P [--connections 8] [--seconds 10]
//                          [--auth signed|session]
//       Keeps CONNECTIONS keep-alive connections busy with GET /v1/whoami
//       requests (one thread each) for SECONDS and prints requests, errors,
//       requests per second and p50/p99/max latency. Each request is signed
//       with a fresh nonce (--auth signed, the default), or MACed in a request
//       session each connection opens first with one signed POST /v1/session
//       (--auth session).
//
//   dspt_server_bench idle --home DIR --port P [--connections 1000] [--hold-seconds 15]
//       Opens CONNECTIONS connections on one thread, makes one signed request on
//       each, prints a line starting "ready", holds them open and idle for
//       HOLD-SECONDS (counting any the server closes meanwhile), then closes them.
//
// The device identity comes from the client store in DIR (enrolled with
// `dspt enrol`), unlocked with $DSPT_PASSPHRASE. Every network operation has a
// deadline and every loop is bounded in count and time. Exit status: 0 when
// every request was answered 200 (and, for idle, no connection was dropped),
// 1 otherwise, 2 for bad arguments or a store that will not open.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "client/store/identity_store.hpp"
#include "client/store/local_store.hpp"
#include "common/clock/hybrid_clock.hpp"
#include "common/crypto/session_key.hpp"
#include "protocol/codec.hpp"
#include "protocol/session_auth.hpp"
#include "protocol/session_messages.hpp"
#include "protocol/signing.hpp"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
using net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kTarget = "/v1/whoami";

// Deadline of one connect, write or read.
constexpr std::chrono::seconds kOpTimeout{10};
// A load connection gives up after this many failures in a row.
constexpr int kMaxConsecutiveFailures = 20;
// Requests per load connection at most, whatever the duration.
constexpr std::uint64_t kMaxRequestsPerConnection = 50'000'000;
// Connections opened at once by the idle mode.
constexpr std::size_t kIdleOpeners = 64;

auto into(error_code& ec) {
    return net::redirect_error(net::use_awaitable, ec);
}

struct Identity {
    std::string device_id;
    dspt::crypto::SigningKeyPair signing;
};

struct Options {
    std::string mode;
    std::filesystem::path home;
    std::uint16_t port = 0;
    std::size_t connections = 0;
    int seconds = 10;
    int hold_seconds = 15;
    bool in_session = false;  // --auth session
};

// A connection's request session, when it has one.
struct Session {
    std::string id;
    dspt::crypto::MacKey key;
    std::uint64_t counter = 0;
};

[[noreturn]] void usage(const std::string& problem) {
    std::cerr << "dspt_server_bench: " << problem << "\n"
              << "usage: dspt_server_bench load --home DIR --port P [--connections N] "
                 "[--seconds S] [--auth signed|session]\n"
              << "       dspt_server_bench idle --home DIR --port P [--connections N] "
                 "[--hold-seconds S]\n";
    std::exit(2);
}

long number(const std::string& flag, const std::string& text, long low, long high) {
    std::size_t used = 0;
    long value = 0;
    try {
        value = std::stol(text, &used);
    } catch (const std::exception&) {
        usage(flag + " takes a number, not \"" + text + "\"");
    }
    if (used != text.size() || value < low || value > high) {
        usage(flag + " takes a number from " + std::to_string(low) + " to " + std::to_string(high) +
              ", not \"" + text + "\"");
    }
    return value;
}

Options parse(int argc, char** argv) {
    if (argc < 2) {
        usage("give a mode: load or idle");
    }
    Options options;
    options.mode = argv[1];
    if (options.mode != "load" && options.mode != "idle") {
        usage("unknown mode \"" + options.mode + "\"");
    }
    options.connections = options.mode == "load" ? 8 : 1000;
    for (int i = 2; i < argc; i += 2) {
        const std::string flag = argv[i];
        if (i + 1 >= argc) {
            usage(flag + " needs a value");
        }
        const std::string value = argv[i + 1];
        if (flag == "--home") {
            options.home = value;
        } else if (flag == "--port") {
            options.port = static_cast<std::uint16_t>(number(flag, value, 1, 65535));
        } else if (flag == "--connections") {
            options.connections = static_cast<std::size_t>(
                number(flag, value, 1, options.mode == "load" ? 256 : 20'000));
        } else if (flag == "--seconds" && options.mode == "load") {
            options.seconds = static_cast<int>(number(flag, value, 1, 600));
        } else if (flag == "--auth" && options.mode == "load") {
            if (value != "signed" && value != "session") {
                usage("--auth takes signed or session, not \"" + value + "\"");
            }
            options.in_session = value == "session";
        } else if (flag == "--hold-seconds" && options.mode == "idle") {
            options.hold_seconds = static_cast<int>(number(flag, value, 0, 600));
        } else {
            usage("unknown option " + flag + " for " + options.mode);
        }
    }
    if (options.home.empty() || options.port == 0) {
        usage("--home and --port are required");
    }
    return options;
}

Identity load_identity(const std::filesystem::path& home) {
    const char* passphrase = std::getenv("DSPT_PASSPHRASE");
    if (passphrase == nullptr) {
        usage("set DSPT_PASSPHRASE to the store's passphrase");
    }
    auto store =
        dspt::client::LocalStore::open(dspt::client::LocalStore::file_in(home), passphrase);
    auto identity = dspt::client::require_identity(*store);
    return Identity{identity.device_id, std::move(identity.signing)};
}

// One request and its response on an open connection. Sets ec on a network
// failure or timeout; otherwise returns the status, the body and whether the
// server keeps the connection open.
struct Answer {
    unsigned status = 0;
    bool keep_alive = false;
    std::string body;
};

net::awaitable<Answer> exchange(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                bhttp::request<bhttp::string_body>& request, error_code& ec) {
    request.set(bhttp::field::host, "127.0.0.1");
    request.keep_alive(true);
    request.prepare_payload();
    Answer answer;
    stream.expires_after(kOpTimeout);
    co_await bhttp::async_write(stream, request, into(ec));
    if (ec) {
        co_return answer;
    }
    bhttp::response<bhttp::string_body> response;
    co_await bhttp::async_read(stream, buffer, response, into(ec));
    if (ec) {
        co_return answer;
    }
    answer.status = response.result_int();
    answer.keep_alive = response.keep_alive();
    answer.body = std::move(response.body());
    co_return answer;
}

// `method target body`, signed as the device.
bhttp::request<bhttp::string_body> signed_request(const Identity& identity, bhttp::verb method,
                                                  std::string_view target, std::string body) {
    const auto now_ms = static_cast<std::int64_t>(dspt::HybridClock::system_millis());
    bhttp::request<bhttp::string_body> request{method, target, 11};
    const auto headers = dspt::protocol::sign_request(
        identity.signing, identity.device_id, request.method_string(), target, body, now_ms);
    request.set(dspt::protocol::kDeviceHeader, headers.device_id);
    request.set(dspt::protocol::kTimestampHeader, headers.timestamp);
    request.set(dspt::protocol::kNonceHeader, headers.nonce);
    request.set(dspt::protocol::kSignatureHeader, headers.signature);
    request.body() = std::move(body);
    return request;
}

// Opens a request session with one signed POST /v1/session; sets ec, or
// returns the answer's status when it is not 201.
net::awaitable<unsigned> open_session(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                      const Identity& identity, Session& session, error_code& ec) {
    const auto pair = dspt::crypto::SessionKeyPair::generate();
    dspt::protocol::SessionRequest body;
    body.client_public_key.assign(pair.public_key().begin(), pair.public_key().end());
    auto request =
        signed_request(identity, bhttp::verb::post, "/v1/session", dspt::protocol::encode(body));
    const auto answer = co_await exchange(stream, buffer, request, ec);
    if (ec || answer.status != 201) {
        co_return answer.status;
    }
    const auto offer = dspt::protocol::decode<dspt::protocol::SessionOffer>(answer.body);
    session = Session{offer.session_id, pair.client_request_key(offer.server_public_key), 0};
    co_return answer.status;
}

// One GET /v1/whoami, MACed in `session` when there is one, else signed.
net::awaitable<Answer> whoami(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                              const Identity& identity, Session* session, error_code& ec) {
    if (session == nullptr) {
        auto request = signed_request(identity, bhttp::verb::get, kTarget, {});
        co_return co_await exchange(stream, buffer, request, ec);
    }
    bhttp::request<bhttp::string_body> request{bhttp::verb::get, kTarget, 11};
    const auto headers = dspt::protocol::mac_request(session->key, session->id, ++session->counter,
                                                     "GET", kTarget, "");
    request.set(dspt::protocol::kSessionHeader, headers.session_id);
    request.set(dspt::protocol::kCounterHeader, headers.counter);
    request.set(dspt::protocol::kMacHeader, headers.mac);
    co_return co_await exchange(stream, buffer, request, ec);
}

net::awaitable<void> open_connection(beast::tcp_stream& stream, const tcp::endpoint& endpoint,
                                     error_code& ec) {
    stream.expires_after(kOpTimeout);
    co_await stream.async_connect(endpoint, into(ec));
    if (!ec) {
        stream.socket().set_option(tcp::no_delay(true), ec);
    }
}

void close_connection(beast::tcp_stream& stream) {
    error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
}

// What went wrong, by kind: "HTTP 401", "read: end of stream", ...
using Failures = std::map<std::string, std::uint64_t>;

void print_failures(const Failures& failures) {
    for (const auto& [what, count] : failures) {
        std::cout << "  error: " << what << " x" << count << "\n";
    }
}

// ---------------------------------------------------------------- load

struct LoadResult {
    std::vector<double> latencies_ms;  // of the 200 answers
    std::uint64_t errors = 0;
    std::uint64_t reconnects = 0;  // after the server closed (Connection: close) or a failure
    Failures failures;
};

net::awaitable<void> load_connection(tcp::endpoint endpoint, const Identity& identity,
                                     bool in_session, Clock::time_point deadline,
                                     LoadResult& result) {
    auto executor = co_await net::this_coro::executor;
    auto stream = std::make_unique<beast::tcp_stream>(executor);
    beast::flat_buffer buffer;
    bool connected = false;
    std::optional<Session> session;
    int failures_in_a_row = 0;
    for (std::uint64_t n = 0; n < kMaxRequestsPerConnection && Clock::now() < deadline; ++n) {
        error_code ec;
        if (!connected) {
            stream = std::make_unique<beast::tcp_stream>(executor);
            buffer.clear();
            co_await open_connection(*stream, endpoint, ec);
            if (ec) {
                ++result.errors;
                ++result.failures["connect: " + ec.message()];
                if (++failures_in_a_row >= kMaxConsecutiveFailures) {
                    break;
                }
                continue;
            }
            connected = true;
        }
        if (in_session && !session) {
            session.emplace();
            const auto status = co_await open_session(*stream, buffer, identity, *session, ec);
            if (ec || status != 201) {
                session.reset();
                ++result.errors;
                ++result.failures[ec ? "session: " + ec.message()
                                     : "session: HTTP " + std::to_string(status)];
                close_connection(*stream);
                connected = false;
                if (++failures_in_a_row >= kMaxConsecutiveFailures) {
                    break;
                }
                continue;
            }
        }
        const auto start = Clock::now();
        const Answer answer =
            co_await whoami(*stream, buffer, identity, session ? &*session : nullptr, ec);
        const auto stop = Clock::now();
        if (ec) {
            ++result.errors;
            ++result.failures["exchange: " + ec.message()];
            close_connection(*stream);
            connected = false;
            ++result.reconnects;
            if (++failures_in_a_row >= kMaxConsecutiveFailures) {
                break;
            }
            continue;
        }
        if (answer.status == 200) {
            failures_in_a_row = 0;
            result.latencies_ms.push_back(
                std::chrono::duration<double, std::milli>(stop - start).count());
        } else {
            ++result.errors;
            ++result.failures["HTTP " + std::to_string(answer.status)];
            if (++failures_in_a_row >= kMaxConsecutiveFailures) {
                break;
            }
        }
        if (!answer.keep_alive) {
            close_connection(*stream);
            connected = false;
            ++result.reconnects;
        }
    }
    if (connected) {
        close_connection(*stream);
    }
}

double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) {
        return 0.0;
    }
    const auto rank = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(rank, sorted.size() - 1)];
}

int run_load(const Options& options, const Identity& identity) {
    const tcp::endpoint endpoint{net::ip::make_address_v4("127.0.0.1"), options.port};
    std::vector<LoadResult> results(options.connections);
    std::atomic<std::size_t> unfinished{0};
    const auto started = Clock::now();
    const auto deadline = started + std::chrono::seconds(options.seconds);
    {
        std::vector<std::jthread> threads;
        threads.reserve(options.connections);
        for (std::size_t i = 0; i < options.connections; ++i) {
            threads.emplace_back([&, i] {
                net::io_context context(1);
                net::co_spawn(
                    context,
                    load_connection(endpoint, identity, options.in_session, deadline, results[i]),
                    net::detached);
                // The last request may start just before the deadline and take
                // kOpTimeout twice (write, read); allow that, then give up.
                context.run_for(std::chrono::seconds(options.seconds) + 3 * kOpTimeout);
                if (!context.stopped()) {
                    ++unfinished;
                }
            });
        }
    }
    const double elapsed_s = std::chrono::duration<double>(Clock::now() - started).count();

    std::vector<double> latencies;
    std::uint64_t errors = 0;
    std::uint64_t reconnects = 0;
    Failures failures;
    for (auto& result : results) {
        latencies.insert(latencies.end(), result.latencies_ms.begin(), result.latencies_ms.end());
        errors += result.errors;
        reconnects += result.reconnects;
        for (const auto& [what, count] : result.failures) {
            failures[what] += count;
        }
    }
    std::sort(latencies.begin(), latencies.end());
    const auto ok = latencies.size();
    std::cout.setf(std::ios::fixed);
    std::cout.precision(3);
    std::cout << "connections " << options.connections << "\n"
              << "seconds " << elapsed_s << "\n"
              << "requests_ok " << ok << "\n"
              << "errors " << errors << "\n"
              << "reconnects " << reconnects << "\n"
              << "rps " << static_cast<double>(ok) / elapsed_s << "\n"
              << "p50_ms " << percentile(latencies, 0.50) << "\n"
              << "p99_ms " << percentile(latencies, 0.99) << "\n"
              << "max_ms " << (latencies.empty() ? 0.0 : latencies.back()) << "\n";
    print_failures(failures);
    if (unfinished > 0) {
        std::cout << "  error: " << unfinished << " connection(s) still busy at the time limit\n";
    }
    std::cout.flush();
    return errors == 0 && unfinished == 0 && ok > 0 ? 0 : 1;
}

// ---------------------------------------------------------------- idle

struct IdleState {
    std::vector<std::unique_ptr<beast::tcp_stream>> streams;  // null until open and answered
    std::size_t next = 0;                                     // next index to open
    std::uint64_t errors = 0;
    std::uint64_t dropped = 0;  // closed by the server while held
    Failures failures;
};

// Opens connections one after another until every index is taken.
net::awaitable<void> opener(tcp::endpoint endpoint, const Identity& identity, IdleState& state) {
    auto executor = co_await net::this_coro::executor;
    while (state.next < state.streams.size()) {
        const auto index = state.next++;
        auto stream = std::make_unique<beast::tcp_stream>(executor);
        beast::flat_buffer buffer;
        error_code ec;
        co_await open_connection(*stream, endpoint, ec);
        if (ec) {
            ++state.errors;
            ++state.failures["connect: " + ec.message()];
            continue;
        }
        const Answer answer = co_await whoami(*stream, buffer, identity, nullptr, ec);
        if (ec) {
            ++state.errors;
            ++state.failures["exchange: " + ec.message()];
            close_connection(*stream);
            continue;
        }
        if (answer.status != 200 || !answer.keep_alive) {
            ++state.errors;
            ++state.failures["HTTP " + std::to_string(answer.status) +
                             (answer.keep_alive ? "" : " (Connection: close)")];
            close_connection(*stream);
            continue;
        }
        state.streams[index] = std::move(stream);
    }
}

// Waits on a held connection until the hold ends (the stream's timeout) or the
// server closes it or sends something.
net::awaitable<void> watch(beast::tcp_stream& stream, std::chrono::seconds hold, IdleState& state) {
    char byte = 0;
    error_code ec;
    stream.expires_after(hold);
    co_await stream.async_read_some(net::buffer(&byte, 1), into(ec));
    if (ec == beast::error::timeout) {
        co_return;  // still open when the hold ended
    }
    ++state.dropped;
    ++state.failures[ec ? "dropped while idle: " + ec.message()
                        : std::string("unexpected data while idle")];
}

int run_idle(const Options& options, const Identity& identity) {
    const tcp::endpoint endpoint{net::ip::make_address_v4("127.0.0.1"), options.port};
    IdleState state;
    state.streams.resize(options.connections);
    net::io_context context(1);

    const auto started = Clock::now();
    for (std::size_t i = 0; i < std::min(kIdleOpeners, options.connections); ++i) {
        net::co_spawn(context, opener(endpoint, identity, state), net::detached);
    }
    const auto open_limit =
        kOpTimeout * 3 * static_cast<long>(options.connections / kIdleOpeners + 1);
    context.run_for(std::min<std::chrono::seconds>(open_limit, std::chrono::seconds(300)));
    const bool opened_in_time = context.stopped();
    const double open_s = std::chrono::duration<double>(Clock::now() - started).count();
    const auto open = static_cast<std::size_t>(std::count_if(
        state.streams.begin(), state.streams.end(), [](const auto& s) { return s != nullptr; }));

    std::cout.setf(std::ios::fixed);
    std::cout.precision(3);
    std::cout << "ready open " << open << " of " << options.connections << " in " << open_s
              << " s, errors " << state.errors << (opened_in_time ? "" : " (time limit hit)")
              << std::endl;

    context.restart();
    const std::chrono::seconds hold(options.hold_seconds);
    for (auto& stream : state.streams) {
        if (stream) {
            net::co_spawn(context, watch(*stream, hold, state), net::detached);
        }
    }
    context.run_for(hold + std::chrono::seconds(30));
    const bool held_in_time = context.stopped();
    std::size_t closed = 0;
    for (auto& stream : state.streams) {
        if (stream) {
            close_connection(*stream);
            ++closed;
        }
    }
    std::cout << "held " << open - std::min<std::size_t>(open, state.dropped) << " open for "
              << options.hold_seconds << " s, dropped by the server " << state.dropped
              << ", closed " << closed << "\n";
    print_failures(state.failures);
    if (!opened_in_time || !held_in_time) {
        std::cout << "  error: time limit hit (" << (opened_in_time ? "holding" : "opening")
                  << ")\n";
    }
    std::cout.flush();
    const bool clean = state.errors == 0 && state.dropped == 0 && opened_in_time && held_in_time &&
                       open == options.connections;
    return clean ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    try {
        const Identity identity = load_identity(options.home);
        return options.mode == "load" ? run_load(options, identity) : run_idle(options, identity);
    } catch (const std::exception& e) {
        std::cerr << "dspt_server_bench: " << e.what() << "\n";
        return 2;
    }
}
