#pragma once
// The public statistics (docs/domain.md, "Public statistics"): for one standards year,
// how many organisations and sites are registered on this server, how many published
// at each level, and the share that published by the year's 30 June deadline, overall
// and by organisation type; and how many publications were made in each of the weeks
// before the deadline, this year against the year before.
//
// Counts only, from the publications and the registry (store::YearCounts): no answer,
// comment, plan or evidence name is read for them. An organisation's type is its
// profile's `organisation_type` (the newest live value of the register; one that never
// set it, or cleared it, is "Not stated"). An organisation counts once per year: at the
// level of its latest publication of the year (by time, then id), and "by the
// deadline" when any publication of the year was made on or before 30 June (UTC).
//
// Shares are of the organisations registered on this server, not of every care
// provider, and every output says so. A share is rounded DOWN to a tenth of a percent
// (share_text), so it is never shown higher than it is: 749 of 1000 is 74.9%, 7496 of
// 10000 is 74.9% too, and only all of them is 100.0%.
//
// Rendering is pure (no store, no clock); read_statistics reads the store. Thread-safe.

#include <array>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/date.hpp"
#include "server/store/repository.hpp"

namespace dspt::server::publish {

// How many weeks the chart shows: the thirteen weeks (91 days) up to and including the
// 30 June deadline.
inline constexpr std::size_t kChartWeeks = 13;

// The style rules statistics_section needs, for the <head> of a page that shows it.
inline constexpr std::string_view kStatisticsSectionStyle =
    "#statistics td.n,#statistics th.n{text-align:right}#statistics .headline{font-size:1.1em}"
    "#statistics figure{margin:1em 0}#statistics svg{max-width:100%;height:auto}"
    "#statistics caption{text-align:left;font-weight:bold;margin:.5em 0}";

// "care_home", "homecare", "both", "other", or "not_stated".
std::string_view organisation_type_of(std::string_view type_payload);

// `part` of `whole` as a percentage rounded down to one decimal place, "74.9%";
// "no organisations" when `whole` is 0.
std::string share_text(std::size_t part, std::size_t whole);

// The share in tenths of a percent, rounded down (749 for 74.96%); none for whole 0.
std::optional<std::size_t> share_tenths(std::size_t part, std::size_t whole);

// The counts of one group of organisations (all, or one type).
struct GroupFigures {
    std::size_t registered = 0;
    std::size_t published = 0;              // published for the year, at any level
    std::array<std::size_t, 3> at_level{};  // Approaching, Met, Exceeded (latest of the year)
    std::size_t by_deadline = 0;            // published for the year by the deadline
};

// One week of the chart: from `first` to `last` (UTC dates, both included).
struct WeekCount {
    Date first;
    Date last;
    std::size_t publications = 0;
};

struct PublicStatistics {
    std::string year;  // "2025-26"
    Date deadline;     // 30 June that ends it
    Date today;
    std::size_t organisations = 0;  // registered
    std::size_t sites = 0;          // registered
    std::size_t sites_published = 0;
    GroupFigures all;
    // Every type of organisation_type_of, in that order, with "not_stated" last.
    std::vector<std::pair<std::string, GroupFigures>> by_type;
    std::string previous_year;              // "2024-25"
    std::vector<WeekCount> weeks;           // kChartWeeks, oldest first, ending on `deadline`
    std::vector<WeekCount> previous_weeks;  // the same weeks of `previous_year`
};

// The statistics from the store's counts (pure).
PublicStatistics make_statistics(const std::string& year, Date today,
                                 const store::YearCounts& counts,
                                 const std::vector<std::size_t>& weekly,
                                 const std::vector<std::size_t>& previous_weekly);

// Reads the counts of `year` (a valid year) and makes the statistics.
PublicStatistics read_statistics(const store::Repository& repository, const std::string& year,
                                 Date today);

// The year shown when none is asked for: the newest year this server has standards
// for that is not after the year `today` falls in.
std::string default_statistics_year(Date today);

// The years a visitor may ask for: those this server has standards for, oldest first.
std::vector<std::string> statistics_years();

// {"year","deadline","as_of","counted":"organisations registered on this server",
//  "rounding", "registered":{"organisations","sites"},"sites_published",
//  "organisations":{GROUP},"by_type":[{"type","name",GROUP...}],
//  "weekly":{"year","previous_year","weeks":[{"first","last","publications",
//  "previous_first","previous_last","previous_publications"}]}} where GROUP is
// "registered","published","approaching","met","exceeded","published_by_deadline",
// "share_by_deadline" ("74.9", a percentage rounded down; null with no organisations).
std::string statistics_json(const PublicStatistics& statistics);

// A UTF-8 byte order mark and one table, every line ending in CR LF: the header
// "Organisation type,Organisations registered,Published for <year>,Approaching
// Standards,Standards Met,Standards Exceeded,Published by <deadline>,Share published by
// the deadline", a row "All organisations" and one row per type.
std::string statistics_csv(const PublicStatistics& statistics);

// The statistics as an HTML <section id="statistics">: the headline figures, the table
// by type, the chart (week_chart_svg) and links to the CSV, the JSON and the other years.
std::string statistics_section(const PublicStatistics& statistics);

// A whole page holding statistics_section.
std::string statistics_page(const PublicStatistics& statistics);

// How long counted statistics are served again before they are counted anew.
inline constexpr std::chrono::seconds kStatisticsFreshFor{10};

// The statistics of each year counted lately: anyone may ask for them, on the
// register's front page too, so a burst of requests counts them once, and a new
// publication shows within kStatisticsFreshFor. Thread-safe; two requests that miss at
// once both count.
class StatisticsCache {
  public:
    using Clock = std::chrono::steady_clock;
    using Count = std::function<PublicStatistics()>;

    // The statistics of `year` on `today`: those counted for them within
    // kStatisticsFreshFor before `now`, else count()'s, kept.
    PublicStatistics get(const std::string& year, Date today, Clock::time_point now,
                         const Count& count);

  private:
    struct Entry {
        Date today;
        Clock::time_point counted_at;
        PublicStatistics statistics;
    };
    std::mutex mutex_;
    std::map<std::string, Entry> entries_;
};

}  // namespace dspt::server::publish
