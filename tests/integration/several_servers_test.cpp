// Several dspt-server processes on one store behind a real HAProxy, as
// deploy/production/ runs them: devices enrol and sync through the proxy to
// whichever process it picks; a process killed with SIGKILL in the middle of a
// push or of an evidence upload loses nothing, as the device's sync finishes
// through the other one; and a login link made by one process opens on the
// other. On the embedded store the two processes share one data directory; on
// PostgreSQL (the .postgresql variant), one schema.

#include <array>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <netinet/in.h>
#include <random>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/integration/answering.hpp"
#include "tests/integration/raw_client.hpp"
#include "tests/integration/raw_session.hpp"
#include "tests/integration/server_fixture.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/loopback_http.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

using namespace std::chrono_literals;

// A port on 127.0.0.1 that nothing listens on now: bound to port 0, then let go.
std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), size) == 0 &&
                       ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0;
    ::close(fd);
    REQUIRE(bound);
    return ntohs(address.sin_port);
}

std::filesystem::path haproxy_program() {
    for (const char* dir : {"/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"}) {
        const auto program = std::filesystem::path(dir) / "haproxy";
        if (std::filesystem::exists(program)) {
            return program;
        }
    }
    FAIL("haproxy is not installed (deploy/install-deps.sh installs it)");
    return {};
}

// HAProxy on 127.0.0.1 in front of two servers, configured as
// deploy/production/haproxy.cfg is (retries only where the connection could not
// be made, health checks on /healthz, request sessions kept on the server that
// opened them), without TLS, with quick checks, and one
// server connection per request so that a fault on a server's link hits one
// request.
class LoadBalancer {
  public:
    LoadBalancer(std::uint16_t first, std::uint16_t second) : port_(free_port()) {
        const auto config = dir_.path() / "haproxy.cfg";
        std::ofstream(config) << "global\n"
                                 "    maxconn 256\n"
                                 "defaults\n"
                                 "    mode http\n"
                                 "    timeout connect 2s\n"
                                 "    timeout http-request 30s\n"
                                 "    timeout client 60s\n"
                                 "    timeout server 60s\n"
                                 "    option http-server-close\n"
                                 "    retries 2\n"
                                 "    retry-on conn-failure\n"
                                 "    option redispatch 1\n"
                                 "frontend devices\n"
                                 "    bind 127.0.0.1:"
                              << port_
                              << "\n"
                                 "    default_backend servers\n"
                                 "backend servers\n"
                                 "    balance roundrobin\n"
                                 "    option httpchk\n"
                                 "    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host "
                                 "dspt\n"
                                 "    http-check expect status 200\n"
                                 "    default-server check inter 1s fall 2 rise 2\n"
                                 "    stick-table type string len 64 size 10k expire 35m\n"
                                 "    stick store-response res.hdr(X-Dspt-Session)\n"
                                 "    stick match req.hdr(X-Dspt-Session)\n"
                                 "    server first 127.0.0.1:"
                              << first << "\n    server second 127.0.0.1:" << second << "\n";
        process_ = std::make_unique<BackgroundProcess>(
            haproxy_program(), std::vector<std::string>{"-f", config.string(), "-db"});
        bool up = false;
        for (int i = 0; i < 100 && !up; ++i) {  // 10 s at most
            try {
                up = http_exchange(port_, "GET", "/healthz", {}, {}, 2s).status == 200;
            } catch (const std::runtime_error&) {
                std::this_thread::sleep_for(100ms);
            }
        }
        INFO("haproxy: " << (process_->wait(0ms), process_->err()));
        REQUIRE(up);
    }

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  private:
    TempDir dir_;
    std::uint16_t port_;
    std::unique_ptr<BackgroundProcess> process_;
};

// Two server processes on one store, each behind a test proxy (so that a
// request can be held half-sent to its server), and HAProxy in front of the
// proxies; the Leeds branch of Acorn Homecare has two devices, both enrolled
// through HAProxy.
struct TwoServers {
    ServerProcess first;
    ServerProcess second{first, {}};
    std::array<std::unique_ptr<FaultProxy>, 2> links{std::make_unique<FaultProxy>(first.port()),
                                                     std::make_unique<FaultProxy>(second.port())};
    LoadBalancer haproxy{links[0]->port(), links[1]->port()};
    ClientHome leeds;
    ClientHome leeds2;

    TwoServers() {
        first.register_demo();
        enrol(leeds, haproxy.url(), first.code({"--org", "AB1", "--site", "VA001"}), "Acorn Leeds");
        enrol(leeds2, haproxy.url(),
              leeds.json({"invite", "--site", "VA001"})["code"].get<std::string>(), "Acorn Leeds");
    }

    ServerProcess& server(std::size_t index) { return index == 0 ? first : second; }

    // Runs `dspt sync` on `home` with every server link set to hold a request once
    // `bytes` of it have reached the server; when one is held, kills that server
    // with SIGKILL and takes its address away, as a machine that died. Returns the
    // sync's exit status (the sync retries through HAProxy).
    int sync_killing_server_mid_request(const ClientHome& home, std::size_t bytes) {
        for (auto& link : links) {
            link->stall_after(bytes, true);
        }
        auto syncing = home.start({"sync", "--retry-delay", "200"});
        for (int i = 0; i < 600 && links[0]->cuts() + links[1]->cuts() == 0; ++i) {  // 60 s
            std::this_thread::sleep_for(100ms);
        }
        const std::size_t held = links[0]->cuts() > 0 ? 0 : 1;
        INFO("sync output so far: " << (syncing->wait(0ms), syncing->err()));
        REQUIRE(links[held]->cuts() == 1);
        links[1 - held]->forward();
        // The server has the first `bytes` of a request and waits for the rest.
        CHECK(links[held]->bytes_to_server() >= bytes);
        server(held).process().signal(SIGKILL);
        links[held].reset();  // connections to it are refused from now on
        CHECK(server(held).process().wait(10s) == 128 + SIGKILL);
        const int code = syncing->wait(120s);
        INFO("sync stderr: " << syncing->err());
        CHECK(code == 0);
        // The request the server died in was sent again and the sync went on:
        // by the sync's retry ("trying again"), or, when HAProxy closed the
        // client's kept connection before any answer, by the transport at
        // once on a new connection (every request here is idempotent). Either
        // way the request reached the other server: the callers check that
        // what it carried is there whole.
        return code;
    }
};

// Answers every item Standards Met needs, each with a comment of 800 random
// letters (which the client's compression cannot shorten much, so the push is
// long); returns how many.
std::size_t answer_all_with_comments(const ClientHome& home) {
    std::vector<std::string> ids;
    for (const auto& item : home.json({"items", "--missing", "met"})) {
        ids.push_back(item["id"].get<std::string>());
    }
    const auto answered = answer_all(home, "met");
    REQUIRE(answered == ids.size());
    std::mt19937 random(std::random_device{}());
    std::uniform_int_distribution<int> letter('a', 'z');
    std::string csv = "Item,Comment\r\n";
    for (const auto& id : ids) {
        csv += id + ",";
        for (int i = 0; i < 800; ++i) {
            csv += static_cast<char>(letter(random));
        }
        csv += "\r\n";
    }
    const auto imported =
        home.run({"import", home.write_file("comments.csv", csv).string(), "--yes"});
    INFO(imported.err);
    REQUIRE(imported.exit_code == 0);
    return answered;
}

}  // namespace

TEST_CASE(
    "a server killed in the middle of a push loses nothing: the sync finishes through "
    "the other server behind HAProxy",
    "[integration][several_servers]") {
    TwoServers servers;
    const auto answered = answer_all_with_comments(servers.leeds);
    REQUIRE(answered > 0);

    // The answers' push is the only request of the sync longer than 8 KiB.
    REQUIRE(servers.sync_killing_server_mid_request(servers.leeds, 8 * 1024) == 0);
    CHECK(servers.leeds.json({"status"})["pending_changes"] == 0);

    // Every answer is on the server once: one register each, with one value.
    const auto store = servers.first.open_store();
    const auto page = store->registers_since("AB1", {"", "VA001"}, 0, 10'000);
    CHECK(page.registers.size() == answered);
    for (const auto& reg : page.registers) {
        INFO(reg.register_key);
        CHECK(reg.values.size() == 1);
    }
    // And the branch's other device, syncing through the server left, has them all.
    const auto synced = servers.leeds2.run({"sync"});
    INFO(synced.err);
    REQUIRE(synced.exit_code == 0);
    CHECK(servers.leeds2.json({"items", "--missing", "met"}).empty());
    CHECK(servers.leeds2.json({"status"})["conflicts"] == 0);
}

TEST_CASE(
    "a server killed in the middle of an evidence upload loses nothing: the file "
    "arrives whole through the other server behind HAProxy",
    "[integration][several_servers]") {
    TwoServers servers;
    const auto file = servers.leeds.make_file("fire-drill.pdf", 3'000'000, "FIRE-DRILL");
    const auto added = servers.leeds.run({"evidence", "add", "1.1.2", file.string()});
    INFO(added.err);
    REQUIRE(added.exit_code == 0);
    const auto id = servers.leeds.json({"evidence", "list"})[0]["id"].get<std::string>();

    // Chunks are 1 MiB; nothing else the sync sends is near 256 KiB.
    REQUIRE(servers.sync_killing_server_mid_request(servers.leeds, 256 * 1024) == 0);
    CHECK(servers.leeds.json({"evidence", "list"})[0]["sync"] == "synced");
    CHECK(servers.first.open_store()->blob_chunks_held(id).size() == 3);

    const auto synced = servers.leeds2.run({"sync"});
    INFO(synced.err);
    REQUIRE(synced.exit_code == 0);
    const auto there = servers.leeds2.json({"evidence", "list"});
    REQUIRE(there.size() == 1);
    const auto copy = servers.leeds2.home() / "copy.pdf";
    const auto got = servers.leeds2.run({"evidence", "get", id, copy.string()});
    INFO(got.err);
    REQUIRE(got.exit_code == 0);
    CHECK(same_content(copy, file));
}

TEST_CASE("a login link made by one server process opens on the other",
          "[integration][several_servers]") {
    TwoServers servers;
    const auto link = servers.leeds.json({"web-login", "--server", servers.first.url()});
    const auto url = link["url"].get<std::string>();
    REQUIRE(url.starts_with(servers.first.url() + "/web/login?token="));
    const auto target = url.substr(servers.first.url().size());

    const auto opened = http_exchange(servers.second.port(), "GET", target, {});
    REQUIRE(opened.status == 303);
    const auto cookie = opened.header("set-cookie");
    REQUIRE(cookie.starts_with("dspt_session="));
    const auto session = cookie.substr(0, cookie.find(';'));

    // The session it began is good on the first process; the link is spent on both.
    const auto page = http_exchange(servers.first.port(), "GET", "/web/", {{"Cookie", session}});
    CHECK(page.status == 200);
    CHECK_THAT(page.body, Catch::Contains("Acorn"));
    CHECK(http_exchange(servers.first.port(), "GET", target, {}).status != 303);
    CHECK(http_exchange(servers.second.port(), "GET", target, {}).status != 303);
}

TEST_CASE(
    "a device revoked by the operator is refused at once by every server process on the store, "
    "in the sessions each holds and signed",
    "[integration][several_servers]") {
    TwoServers servers;
    const RawClient on_first(servers.leeds, servers.first);
    const RawClient on_second(servers.leeds, servers.second);
    RawSession first_session(on_first);
    RawSession second_session(on_second);
    // Each process has served the device several times, so holds its record.
    for (int i = 0; i < 3; ++i) {
        REQUIRE(first_session.send("GET", "/v1/whoami").status == 200);
        REQUIRE(second_session.send("GET", "/v1/whoami").status == 200);
        REQUIRE(on_first.send("GET", "/v1/whoami").status == 200);
        REQUIRE(on_second.send("GET", "/v1/whoami").status == 200);
    }

    const auto revoked = servers.first.admin({"revoke-device", on_first.identity->device_id});
    INFO(revoked.err);
    REQUIRE(revoked.exit_code == 0);
    for (auto* session : {&first_session, &second_session}) {
        const auto answer = session->send("GET", "/v1/whoami");
        CHECK(answer.status == 401);
        CHECK_THAT(answer.body, Catch::Contains("revoked"));
    }
    for (const auto* raw : {&on_first, &on_second}) {
        const auto answer = raw->send("GET", "/v1/whoami");
        CHECK(answer.status == 401);
        CHECK_THAT(answer.body, Catch::Contains("revoked"));
    }
}
