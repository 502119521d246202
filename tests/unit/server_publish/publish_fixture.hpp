#pragma once
// Shared helpers for the public register and certificate tests: times on given
// days and publications built field by field.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "common/date.hpp"
#include "server/store/publication_model.hpp"

namespace dspt::server::publish::test {

// The date; fails the test when it is malformed.
inline Date day(std::string_view text) {
    const auto parsed = Date::parse(text);
    REQUIRE(parsed.has_value());
    return *parsed;
}

// Unix ms at hh:mm UTC on the day.
inline std::int64_t at(std::string_view date, int hours = 12, int minutes = 0) {
    const auto days = day(date).days().time_since_epoch().count();
    return (static_cast<std::int64_t>(days) * 24 * 60 + hours * 60 + minutes) * 60'000;
}

inline store::Publication publication(std::string ods, std::vector<std::string> sites,
                                      std::string year, standards::Level level,
                                      std::int64_t published_at_ms, std::int64_t id = 1,
                                      std::string device = "admin") {
    store::Publication p;
    p.id = id;
    p.organisation_ods = std::move(ods);
    p.sites = std::move(sites);
    p.year = std::move(year);
    p.level = level;
    p.published_at_ms = published_at_ms;
    p.device_id = std::move(device);
    p.request_id = "request-";
    p.request_id += std::to_string(id);
    return p;
}

// An entry of `sites`, each with the newest of `publications` that covers it, as the
// store finds them; `every_site` false for a row of the sites a search matched.
inline store::PublicEntry entry(std::string ods, std::string name, std::vector<std::string> sites,
                                const std::vector<store::Publication>& publications = {},
                                bool every_site = true) {
    store::PublicEntry made{std::move(ods), std::move(name), {}, every_site};
    for (auto& code : sites) {
        store::PublicSite site{std::move(code), std::nullopt};
        for (const auto& p : publications) {
            const bool covers =
                std::find(p.sites.begin(), p.sites.end(), site.ods) != p.sites.end();
            if (covers && (!site.latest || p.published_at_ms > site.latest->published_at_ms)) {
                site.latest = p;
            }
        }
        made.sites.push_back(std::move(site));
    }
    return made;
}

// How many times `needle` occurs in `text`.
inline std::size_t count_of(std::string_view text, std::string_view needle) {
    std::size_t count = 0;
    for (auto at = text.find(needle); at != std::string_view::npos;
         at = text.find(needle, at + needle.size())) {
        ++count;
    }
    return count;
}

}  // namespace dspt::server::publish::test
