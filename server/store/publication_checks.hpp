#pragma once
// The checks both stores make of a publication before recording it, and the folding
// the public search compares names with.

#include <optional>
#include <string>
#include <string_view>
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

// `groups` in the order YearCounts promises.
void sort_statistics_groups(std::vector<StatisticsGroup>& groups);

// `text` with its ASCII letters in lower case / in upper case; other bytes as they are.
std::string ascii_lower(std::string_view text);
std::string ascii_upper(std::string_view text);

}  // namespace dspt::server::store
