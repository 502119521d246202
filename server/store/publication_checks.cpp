#include "server/store/publication_checks.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "common/error.hpp"
#include "common/standards/year.hpp"
#include "server/store/model.hpp"

namespace dspt::server::store {

void validate_publication(const Publication& publication) {
    validate_ods_code(publication.organisation_ods, "organisation ODS code");
    if (publication.level == standards::Level::none) {
        fail(ErrorCode::invalid_argument, "a publication needs a level");
    }
    if (publication.sites.empty()) {
        fail(ErrorCode::invalid_argument, "a publication covers at least one site");
    }
    for (const auto& site : publication.sites) {
        validate_ods_code(site, "site ODS code");
    }
    if (!standards::is_valid_year(publication.year)) {
        fail(ErrorCode::invalid_argument,
             "a standards year is written like 2025-26, not \"" + publication.year + "\"");
    }
    validate_actor(publication.device_id, "publishing device");
    validate_actor(publication.request_id, "publication request id");
}

std::optional<standards::Level> statistics_level(bool is_null, std::string_view text) {
    if (is_null) {
        return std::nullopt;
    }
    const auto level = standards::parse_level(text);
    if (!level || *level == standards::Level::none) {
        fail(ErrorCode::corrupt,
             "a publication has an unknown level \"" + std::string(text) + "\"");
    }
    return level;
}

void check_statistics_weeks(std::size_t weeks) {
    if (weeks > kMaxStatisticsWeeks) {
        fail(ErrorCode::invalid_argument, "publications are counted for at most " +
                                              std::to_string(kMaxStatisticsWeeks) +
                                              " weeks at once, not " + std::to_string(weeks));
    }
}

void put_week_count(std::vector<std::size_t>& counts, std::int64_t week, std::int64_t count) {
    if (week >= 0 && static_cast<std::size_t>(week) < counts.size()) {
        counts[static_cast<std::size_t>(week)] = static_cast<std::size_t>(count);
    }
}

void sort_statistics_groups(std::vector<StatisticsGroup>& groups) {
    const auto key = [](const StatisticsGroup& group) {
        return std::make_tuple(std::string_view(group.type_payload),
                               group.level ? static_cast<int>(*group.level) + 1 : 0,
                               group.by_deadline);
    };
    std::sort(groups.begin(), groups.end(),
              [&](const StatisticsGroup& a, const StatisticsGroup& b) { return key(a) < key(b); });
}

StatisticsTally::Organisation& StatisticsTally::organisation(std::string_view ods) {
    const auto found = organisations_.find(std::string(ods));
    if (found != organisations_.end()) {
        return found->second;
    }
    return organisations_.emplace(std::string(ods), Organisation{}).first->second;
}

void StatisticsTally::type_value(std::string_view organisation_ods, std::int64_t version,
                                 std::string_view payload) {
    auto& entry = organisation(organisation_ods);
    if (version > entry.type_version) {
        entry.type_version = version;
        entry.type_payload = std::string(payload);
    }
}

void StatisticsTally::publication(std::string_view organisation_ods, standards::Level level,
                                  std::int64_t published_at_ms, std::int64_t id,
                                  std::string_view site_ods) {
    sites_.emplace(site_ods);
    auto& entry = organisation(organisation_ods);
    if (!entry.level || published_at_ms > entry.latest_at_ms ||
        (published_at_ms == entry.latest_at_ms && id > entry.latest_id)) {
        entry.level = level;
        entry.latest_at_ms = published_at_ms;
        entry.latest_id = id;
    }
    entry.by_deadline = entry.by_deadline || published_at_ms < deadline_end_ms_;
}

std::vector<StatisticsGroup> StatisticsTally::groups(std::size_t organisations) const {
    // Keyed by type, level (0 none, else the level's value + 1) and by_deadline.
    std::map<std::tuple<std::string_view, int, bool>, std::size_t> counted;
    for (const auto& [ods, entry] : organisations_) {
        ++counted[{entry.type_payload, entry.level ? static_cast<int>(*entry.level) + 1 : 0,
                   entry.by_deadline}];
    }
    if (organisations > organisations_.size()) {
        counted[{"", 0, false}] += organisations - organisations_.size();
    }
    std::vector<StatisticsGroup> groups;
    for (const auto& [key, count] : counted) {
        const auto& [payload, level, by_deadline] = key;
        groups.push_back(
            {std::string(payload),
             level == 0 ? std::nullopt : std::optional(static_cast<standards::Level>(level - 1)),
             by_deadline, count});
    }
    sort_statistics_groups(groups);
    return groups;
}

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
        return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return out;
}

std::string ascii_upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
        return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    });
    return out;
}

}  // namespace dspt::server::store
