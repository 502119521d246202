#pragma once
// The checks both stores make of a publication before recording it, and the folding
// the public search compares names with.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "server/store/publication_model.hpp"

namespace dspt::server::store {

// Throws invalid_argument unless `publication` can be recorded: a level, at least one
// site, valid codes, year, device and request id.
void validate_publication(const Publication& publication);

// The level a statistics row reads from the store: none for NULL (`is_null`), else
// the level named by `text`; throws corrupt for any other text.
std::optional<standards::Level> statistics_level(bool is_null, std::string_view text);

// Throws invalid_argument when publications_per_week is asked for more than
// kMaxStatisticsWeeks weeks.
void check_statistics_weeks(std::size_t weeks);

// A week of publications_per_week, in milliseconds.
inline constexpr std::int64_t kStatisticsWeekMs = 7LL * 24 * 3600 * 1000;

// Puts `count` publications in week `week` of `counts` (from 0), when it is one of them.
void put_week_count(std::vector<std::size_t>& counts, std::int64_t week, std::int64_t count);

// `groups` in the order YearCounts promises.
void sort_statistics_groups(std::vector<StatisticsGroup>& groups);

// The register key whose values give an organisation's type (a literal in the
// statistics' SQL, so that the partial index of that register serves it).
inline constexpr std::string_view kOrganisationTypeKey = "profile/organisation_type";

// The statistics' SQL, the same text on both stores (SQLite takes "$1" as a named
// parameter, the first and only one, so it binds as parameter 1 there too): the
// organisation type registers' values (the condition of the partial index
// register_values_organisation_type, spelt as it is, so that the index serves it); each publication
// of year $1 once for every site it covers; and the registered organisations and sites.
inline const std::string kStatisticsTypeValuesSql =
    "SELECT organisation_ods, version, payload FROM register_values WHERE lower(register_key) = '" +
    std::string(kOrganisationTypeKey) + "' AND length(scope) = 0";
inline constexpr std::string_view kStatisticsYearPublicationsSql =
    "SELECT p.organisation_ods, p.level, p.published_at_ms, p.id, ps.site_ods"
    " FROM publications p JOIN publication_sites ps ON ps.publication_id = p.id"
    " WHERE p.year = $1";
inline constexpr std::string_view kStatisticsTotalsSql =
    "SELECT (SELECT count(*) FROM organisations), (SELECT count(*) FROM sites)";

// YearCounts::groups from the rows both stores read, in any order: each organisation's
// type register values and its publications of the year. Organisations that appear in
// neither count as never typed and not published.
class StatisticsTally {
  public:
    explicit StatisticsTally(std::int64_t deadline_end_ms) : deadline_end_ms_(deadline_end_ms) {}

    // One live value of the organisation's type register, at `version`.
    void type_value(std::string_view organisation_ods, std::int64_t version,
                    std::string_view payload);

    // One publication of the year and one site it covers (a publication comes once
    // for each of its sites).
    void publication(std::string_view organisation_ods, standards::Level level,
                     std::int64_t published_at_ms, std::int64_t id, std::string_view site_ods);

    // How many sites the year's publications cover.
    std::size_t sites_published() const noexcept { return sites_.size(); }

    // The groups of `organisations` registered, ordered as YearCounts promises.
    std::vector<StatisticsGroup> groups(std::size_t organisations) const;

  private:
    struct Organisation {
        std::int64_t type_version = -1;
        std::string type_payload;
        std::optional<standards::Level> level;
        std::int64_t latest_at_ms = 0;
        std::int64_t latest_id = 0;
        bool by_deadline = false;
    };
    Organisation& organisation(std::string_view ods);

    std::int64_t deadline_end_ms_;
    std::unordered_map<std::string, Organisation> organisations_;
    std::unordered_set<std::string> sites_;
};

// `text` with its ASCII letters in lower case / in upper case; other bytes as they are.
std::string ascii_lower(std::string_view text);
std::string ascii_upper(std::string_view text);

}  // namespace dspt::server::store
