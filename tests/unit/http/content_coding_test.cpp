// Compressed bodies over loopback: HttpServer decompresses zstd requests
// before the handler and compresses answers for clients that accept zstd, and
// refuses bodies it cannot decompress; the client's transport does the other
// half, so the two agree.
#include <atomic>
#include <mutex>
#include <string>

#include <catch2/catch.hpp>

#include "client/sync/transport.hpp"
#include "common/compression/zstd_codec.hpp"
#include "common/crypto/blake2b.hpp"
#include "common/crypto/random.hpp"
#include "tests/unit/http/test_client.hpp"
#include "tests/unit/http/test_server.hpp"

using namespace dspt::test::http;
using dspt::compression::compress;
using dspt::compression::decompress;

namespace {

// A body long and repetitive enough to be worth compressing.
std::string long_text() {
    std::string text;
    for (int i = 0; text.size() < 5'000; ++i) {
        text += "change " + std::to_string(i) + ": answer/1.1.1 {\"value\":\"yes\"}\n";
    }
    return text;
}

// The value of `name=` in an access log line, as a number.
std::size_t log_number(const std::string& line, const std::string& name) {
    const auto at = line.find(" " + name + "=");
    REQUIRE(at != std::string::npos);
    return std::stoul(line.substr(at + name.size() + 2));
}

// An echo handler that keeps the last request it saw.
struct RecordingEcho {
    std::mutex* mutex;
    Request* seen;
    std::atomic<int>* calls;
    Response operator()(const Request& request) const {
        ++*calls;
        const std::lock_guard lock(*mutex);
        *seen = request;
        return echo(request);
    }
};

}  // namespace

TEST_CASE("HttpServer hands the handler a zstd request body decompressed", "[unit][http]") {
    std::mutex mutex;
    Request seen;
    std::atomic<int> calls{0};
    TestServer server(RecordingEcho{&mutex, &seen, &calls});
    TestClient client(server.port());
    const auto text = long_text();

    const auto response =
        client.request("POST", "/echo", compress(text), {{"Content-Encoding", "zstd"}});
    CHECK(response.status == 200);
    {
        const std::lock_guard lock(mutex);
        CHECK(seen.body == text);
        CHECK(seen.header("Content-Encoding").empty());
        CHECK(seen.header("Content-Length") == std::to_string(text.size()));
    }
    // This client did not ask for zstd: the answer comes as it is, marked as
    // one that depends on Accept-Encoding.
    CHECK(response.body == text);
    CHECK(response.header("Content-Encoding").empty());
    CHECK(response.header("Vary") == "Accept-Encoding");

    // "identity" is no coding at all.
    CHECK(client.request("POST", "/echo", "plain", {{"Content-Encoding", "identity"}}).body ==
          "plain");
    CHECK(calls == 2);
}

TEST_CASE("HttpServer compresses an answer when the client accepts zstd", "[unit][http]") {
    TestServer server(echo);
    TestClient client(server.port());
    const auto text = long_text();

    const auto compressed = client.request("POST", "/echo", text, {{"Accept-Encoding", "zstd"}});
    CHECK(compressed.status == 200);
    CHECK(compressed.header("Content-Encoding") == "zstd");
    CHECK(compressed.header("Vary") == "Accept-Encoding");
    CHECK(compressed.body.size() < text.size());
    CHECK(decompress(compressed.body, text.size()) == text);

    // Declined, or not worth it: as it is.
    const auto declined =
        client.request("POST", "/echo", text, {{"Accept-Encoding", "gzip, zstd;q=0"}});
    CHECK(declined.header("Content-Encoding").empty());
    CHECK(declined.body == text);
    // A parameter after the zero weight: answered, as it is (the server's
    // thread once looped on this header forever, and the client timed out).
    const auto parameter_after_zero =
        client.request("POST", "/echo", text, {{"Accept-Encoding", "gzip, zstd;q=0;5"}});
    CHECK(parameter_after_zero.status == 200);
    CHECK(parameter_after_zero.header("Content-Encoding").empty());
    CHECK(parameter_after_zero.body == text);
    const auto short_answer =
        client.request("POST", "/echo", "short", {{"Accept-Encoding", "zstd"}});
    CHECK(short_answer.header("Content-Encoding").empty());
    CHECK(short_answer.header("Vary").empty());
    CHECK(short_answer.body == "short");

    // The server's own endpoints too; a client that does not ask gets plain text.
    const auto metrics = client.request("GET", "/metrics", {}, {{"Accept-Encoding", "zstd"}});
    CHECK(metrics.header("Content-Encoding") == "zstd");
    CHECK_THAT(decompress(metrics.body, 1024 * 1024), Catch::Contains("dspt_http_requests_total"));
    const auto plain_metrics = client.request("GET", "/metrics");
    CHECK(plain_metrics.header("Content-Encoding").empty());
    CHECK_THAT(plain_metrics.body, Catch::Contains("dspt_http_requests_total"));
    CHECK(client.request("GET", "/healthz", {}, {{"Accept-Encoding", "zstd"}}).body == "ok\n");
}

TEST_CASE("HttpServer refuses a body it cannot decompress, without calling the handler",
          "[unit][http]") {
    std::mutex mutex;
    Request seen;
    std::atomic<int> calls{0};
    TestServer server(RecordingEcho{&mutex, &seen, &calls},
                      [](ServerConfig& config) { config.limits.body_limit = 4096; });
    TestClient client(server.port());

    const auto unknown = client.request("POST", "/echo", "abc", {{"Content-Encoding", "gzip"}});
    CHECK(unknown.status == 415);
    CHECK(unknown.header("Accept-Encoding") == "zstd");
    CHECK_THAT(unknown.body, Catch::Contains("gzip"));

    const auto corrupt =
        client.request("POST", "/echo", "not zstd at all", {{"Content-Encoding", "zstd"}});
    CHECK(corrupt.status == 400);
    CHECK_THAT(corrupt.body, Catch::StartsWith(R"({"error":"protocol","message":)"));
    CHECK_THAT(corrupt.body, Catch::Contains("zstd"));

    // 100 KB that compress to a few bytes: within the limit on the wire, over
    // it once decompressed.
    const auto bomb = client.request("POST", "/echo", compress(std::string(100'000, 'x')),
                                     {{"Content-Encoding", "zstd"}});
    CHECK(bomb.status == 413);
    CHECK_THAT(bomb.body, Catch::StartsWith(R"({"error":"limit_exceeded","message":)"));
    CHECK_THAT(bomb.body, Catch::Contains("4096 bytes"));

    // Each body was read whole, so the connection carries on.
    CHECK(bomb.keep_alive);
    CHECK(client.request("POST", "/echo", "next").body == "next");
    CHECK(calls == 1);
    CHECK(server.log().matching({"route=(rejected)"}).size() == 3);
}

TEST_CASE("the client transport sends compressed bodies and reads compressed answers",
          "[unit][http]") {
    std::mutex mutex;
    Request seen;
    std::atomic<int> calls{0};
    TestServer server(RecordingEcho{&mutex, &seen, &calls});
    const auto transport = dspt::client::make_http_transport(
        dspt::client::ServerUrl::parse("http://127.0.0.1:" + std::to_string(server.port())), {});
    const auto text = long_text();

    const auto response = transport->send({"POST", "/echo", {}, "text/plain", text});
    CHECK(response.status == 200);
    CHECK(response.body == text);
    {
        const std::lock_guard lock(mutex);
        CHECK(seen.body == text);
        CHECK(seen.header("Accept-Encoding") == "zstd");
    }
    // Both ways, the bytes on the wire are far fewer than the body's.
    REQUIRE(server.log().wait_for({"method=POST"}));
    const auto line = server.log().matching({"method=POST"}).front();
    CHECK(log_number(line, "bytes_in") < text.size() / 4);
    CHECK(log_number(line, "bytes_out") < text.size() / 4);

    // A short body travels as it is, and still arrives.
    CHECK(transport->send({"POST", "/echo", {}, "text/plain", "short"}).body == "short");
    CHECK(calls == 2);
}

TEST_CASE("HttpServer hands over a large body's BLAKE2b-256, worked out as it arrived",
          "[unit][http]") {
    std::mutex mutex;
    Request seen;
    std::atomic<int> calls{0};
    TestServer server(RecordingEcho{&mutex, &seen, &calls});
    TestClient client(server.port());
    const auto digest_of = [](const std::string& body) {
        const auto hash = dspt::crypto::blake2b(dspt::crypto::as_byte_view(body));
        return std::string(hash.begin(), hash.end());
    };
    const auto random = [](std::size_t size) {
        const auto bytes = dspt::crypto::random_bytes(size);
        return std::string(bytes.begin(), bytes.end());
    };

    // A mebibyte and a bit, as an evidence chunk: it arrives in many reads.
    const auto chunk = random((std::size_t{1} << 20) + 40);
    CHECK(client.request("PUT", "/echo", chunk).body == chunk);
    {
        const std::lock_guard lock(mutex);
        CHECK(seen.body == chunk);
        CHECK(seen.body_digest == digest_of(chunk));
    }
    // A small body is hashed by whoever needs it.
    CHECK(client.request("POST", "/echo", "small").body == "small");
    {
        const std::lock_guard lock(mutex);
        CHECK(seen.body_digest.empty());
    }
    // A compressed body: the digest would be of the wrong bytes, so there is none.
    const auto noise = random(200'000);
    CHECK(client.request("POST", "/echo", compress(noise), {{"Content-Encoding", "zstd"}}).body ==
          noise);
    CHECK(calls == 3);
    const std::lock_guard lock(mutex);
    CHECK(seen.body == noise);
    CHECK(seen.body_digest.empty());
}
