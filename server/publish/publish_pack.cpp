#include "server/publish/publish_pack.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/standards/bundled.hpp"
#include "common/standards/loader.hpp"
#include "common/standards/pack_digest.hpp"
#include "server/publish/site_drafts.hpp"

namespace dspt::server::publish {

namespace {

constexpr std::size_t kShownDigest = 16;
constexpr std::size_t kDigestChars = 64;
constexpr std::size_t kMaxVersionBytes = 40;

}  // namespace

void check_pack_identity(const std::string& version, const std::string& digest) {
    const auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
    if (!digest.empty() &&
        (digest.size() != kDigestChars || !std::all_of(digest.begin(), digest.end(), hex))) {
        fail(ErrorCode::invalid_argument,
             "a standards pack digest is 64 lower-case hex characters");
    }
    if (version.size() > kMaxVersionBytes) {
        fail(ErrorCode::invalid_argument, "a standards pack version is at most 40 bytes");
    }
}

std::optional<standards::Pack> held_pack(const store::Repository& repository,
                                         const std::string& year, const std::string& digest) {
    if (digest.empty()) {
        return served_pack(year);
    }
    const auto years = standards::bundled_years();
    if (std::find(years.begin(), years.end(), year) != years.end()) {
        const auto& bundled = standards::bundled_pack(year);
        if (standards::pack_digest(bundled) == digest) {
            return bundled;
        }
    }
    const auto installed = repository.find_installed_pack(year, digest);
    if (!installed) {
        return std::nullopt;
    }
    try {
        return standards::parse_pack_json(installed->json, "installed pack " + year);
    } catch (const Error& e) {
        fail(ErrorCode::corrupt,
             std::string("the installed standards pack no longer loads: ") + e.what());
    }
}

std::vector<standards::PackOpening> held_openings(const store::Repository& repository) {
    auto openings = standards::openings_of(standards::bundled_packs());
    for (const auto& installed : repository.installed_packs()) {
        try {
            const auto pack =
                standards::parse_pack_json(installed.json, "installed pack " + installed.year);
            openings.push_back({pack.year, pack.opening_date()});
        } catch (const Error& e) {
            fail(ErrorCode::corrupt,
                 std::string("the installed standards pack no longer loads: ") + e.what());
        }
    }
    return openings;
}

std::string missing_pack_message(const std::string& year, const std::string& version,
                                 const std::string& digest) {
    return "this server does not hold the standards pack your devices use for " + year +
           (version.empty() ? std::string() : " " + version.substr(0, 40)) + " (digest " +
           digest.substr(0, kShownDigest) +
           "...): its operator installs it with 'dspt-server admin import-standards PACK.json', "
           "the pack made by 'dspt standards import'";
}

}  // namespace dspt::server::publish
