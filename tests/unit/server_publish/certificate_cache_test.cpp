// Certificates drawn once and served from memory; one drawing at a time.

#include "server/publish/certificate_cache.hpp"

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include <catch2/catch.hpp>

#include "tests/unit/server_publish/publish_fixture.hpp"

namespace dspt::server::publish::test {

namespace {

using namespace std::chrono_literals;

CertificateContent content_of(std::string ods) {
    CertificateContent content;
    content.organisation_name = "Rose Care Group";
    content.organisation_ods = std::move(ods);
    content.sites = {"Rose Lodge (VA1B2)"};
    content.level = standards::Level::met;
    content.year = "2026-27";
    content.published = day("2026-11-21");
    content.lapses = day("2027-11-22");
    content.register_address = "/?q=" + content.organisation_ods;
    return content;
}

// A renderer that counts and names what it drew; it can be held mid-drawing.
struct CountingRenderer {
    std::atomic<int> calls{0};
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::atomic<bool> hold{false};
    std::atomic<bool> drawing{false};

    CertificateCache::Renderer renderer() {
        return [this](const CertificateContent& content, CertificateFormat format) {
            ++calls;
            drawing = true;
            if (hold) {
                released.wait();
            }
            drawing = false;
            return content.organisation_ods + "." + std::string(extension(format)) +
                   std::string(1000, 'x');
        };
    }
};

std::string bytes_of(const std::variant<CertificateCache::Drawing, CertificateCache::Busy>& got) {
    REQUIRE(std::holds_alternative<CertificateCache::Drawing>(got));
    return *std::get<CertificateCache::Drawing>(got);
}

}  // namespace

TEST_CASE("A certificate is drawn once per format and then served as drawn",
          "[unit][server_publish]") {
    CountingRenderer renderer;
    CertificateCache cache(1 << 20, renderer.renderer());
    const auto rose = content_of("AB12");
    const auto first = bytes_of(cache.get(rose, CertificateFormat::png));
    CHECK(first.starts_with("AB12.png"));
    for (int i = 0; i < 50; ++i) {
        CHECK(bytes_of(cache.get(rose, CertificateFormat::png)) == first);
    }
    CHECK(bytes_of(cache.get(rose, CertificateFormat::pdf)).starts_with("AB12.pdf"));
    CHECK(renderer.calls == 2);
    CHECK(cache.drawn() == 2);
    CHECK(cache.served_from_cache() == 50);

    // What the certificate shows is its key: a renamed site is drawn anew.
    auto renamed = rose;
    renamed.sites = {"Rose House (VA1B2)"};
    CHECK(bytes_of(cache.get(renamed, CertificateFormat::png)).starts_with("AB12.png"));
    CHECK(renderer.calls == 3);
    // So is one whose register address or lapse date differs.
    auto addressed = rose;
    addressed.register_address = "https://dspt.example.org/?q=AB12";
    cache.get(addressed, CertificateFormat::png);
    CHECK(renderer.calls == 4);
    auto lapsing = rose;
    lapsing.lapses = day("2027-11-23");
    cache.get(lapsing, CertificateFormat::png);
    CHECK(renderer.calls == 5);
}

TEST_CASE("The certificate cache keeps the recently used within its size",
          "[unit][server_publish]") {
    CountingRenderer renderer;
    CertificateCache cache(2500, renderer.renderer());  // two drawings of about 1 KB
    cache.get(content_of("A1"), CertificateFormat::png);
    cache.get(content_of("B2"), CertificateFormat::png);
    cache.get(content_of("A1"), CertificateFormat::png);  // A1 is now the most recent
    cache.get(content_of("C3"), CertificateFormat::png);  // B2 goes
    CHECK(renderer.calls == 3);
    cache.get(content_of("A1"), CertificateFormat::png);
    CHECK(renderer.calls == 3);
    cache.get(content_of("B2"), CertificateFormat::png);
    CHECK(renderer.calls == 4);
}

TEST_CASE(
    "While one certificate is drawn, a request for another hears busy at once, and one "
    "for the same waits for it",
    "[unit][server_publish]") {
    CountingRenderer renderer;
    renderer.hold = true;
    CertificateCache cache(1 << 20, renderer.renderer());
    auto slow = std::async(std::launch::async, [&] {
        return bytes_of(cache.get(content_of("A1"), CertificateFormat::pdf));
    });
    for (int i = 0; i < 500 && !renderer.drawing; ++i) {
        std::this_thread::sleep_for(5ms);
    }
    REQUIRE(renderer.drawing);
    CHECK(std::holds_alternative<CertificateCache::Busy>(
        cache.get(content_of("B2"), CertificateFormat::pdf)));
    auto same = std::async(std::launch::async, [&] {
        return bytes_of(cache.get(content_of("A1"), CertificateFormat::pdf));
    });
    renderer.release.set_value();
    CHECK(slow.get().starts_with("A1.pdf"));
    CHECK(same.get().starts_with("A1.pdf"));
    CHECK(renderer.calls == 1);
    CHECK(bytes_of(cache.get(content_of("B2"), CertificateFormat::pdf)).starts_with("B2.pdf"));
}

TEST_CASE("prepare() draws both formats on the cache's own thread", "[unit][server_publish]") {
    CountingRenderer renderer;
    CertificateCache cache(1 << 20, renderer.renderer());
    cache.prepare(content_of("A1"));
    for (int i = 0; i < 1000 && cache.drawn() < 2; ++i) {
        std::this_thread::sleep_for(5ms);
    }
    REQUIRE(cache.drawn() == 2);
    CHECK(bytes_of(cache.get(content_of("A1"), CertificateFormat::png)).starts_with("A1.png"));
    CHECK(bytes_of(cache.get(content_of("A1"), CertificateFormat::pdf)).starts_with("A1.pdf"));
    CHECK(renderer.calls == 2);
    CHECK(cache.served_from_cache() == 2);
}

}  // namespace dspt::server::publish::test
