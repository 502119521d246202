#include "server/publish/statistics.hpp"

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

#include "common/form_encoding.hpp"
#include "common/html.hpp"
#include "common/report/csv_writer.hpp"
#include "common/standards/bundled.hpp"
#include "common/standards/year.hpp"
#include "protocol/register_key.hpp"
#include "server/publish/week_chart.hpp"

namespace dspt::server::publish {

namespace {

constexpr std::string_view kNotStated = "not_stated";
constexpr std::string_view kCountedWords = "organisations registered on this server";

constexpr std::string_view kStatisticsStyle =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:2em auto;max-width:70em;"
    "padding:0 1em;color:#1d1d1b}"
    "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4em .6em;"
    "border-bottom:1px solid #b1b4b6;vertical-align:top}td.n{text-align:right}";

std::string type_name(std::string_view type) {
    return type == kNotStated ? "Not stated" : protocol::organisation_type_name(type);
}

std::size_t level_index(standards::Level level) {
    switch (level) {
        case standards::Level::approaching:
            return 0;
        case standards::Level::met:
            return 1;
        default:
            return 2;
    }
}

void add_group(GroupFigures& figures, const store::StatisticsGroup& group) {
    figures.registered += group.organisations;
    if (group.level) {
        figures.published += group.organisations;
        figures.at_level[level_index(*group.level)] += group.organisations;
    }
    if (group.by_deadline) {
        figures.by_deadline += group.organisations;
    }
}

// The chart's weeks of `year`: kChartWeeks weeks ending on its deadline.
std::vector<WeekCount> chart_weeks(std::string_view year, const std::vector<std::size_t>& counts) {
    const auto deadline = standards::deadline_of(year);
    std::vector<WeekCount> weeks;
    for (std::size_t i = 0; i < kChartWeeks; ++i) {
        const auto back = static_cast<int>(kChartWeeks - 1 - i) * 7;
        WeekCount week{Date::from_days(deadline.days() - std::chrono::days(back + 6)),
                       Date::from_days(deadline.days() - std::chrono::days(back)),
                       i < counts.size() ? counts[i] : 0};
        weeks.push_back(week);
    }
    return weeks;
}

// The first millisecond of the chart's first week of `year`.
std::int64_t chart_start_ms(std::string_view year) {
    const auto first = chart_weeks(year, {}).front().first;
    return std::chrono::duration_cast<std::chrono::milliseconds>(first.days().time_since_epoch())
        .count();
}

// "7 April": a week's label.
std::string day_and_month(Date date) {
    auto text = long_date(date);
    return text.substr(0, text.rfind(' '));
}

nlohmann::ordered_json group_json(const GroupFigures& figures) {
    nlohmann::ordered_json group;
    group["registered"] = figures.registered;
    group["published"] = figures.published;
    group["approaching"] = figures.at_level[0];
    group["met"] = figures.at_level[1];
    group["exceeded"] = figures.at_level[2];
    group["published_by_deadline"] = figures.by_deadline;
    const auto tenths = share_tenths(figures.by_deadline, figures.registered);
    group["share_by_deadline"] = tenths ? nlohmann::ordered_json(std::to_string(*tenths / 10) +
                                                                 "." + std::to_string(*tenths % 10))
                                        : nlohmann::ordered_json(nullptr);
    return group;
}

std::string csv_row(std::string_view name, const GroupFigures& figures) {
    std::string row = report::csv_field(name);
    for (const auto value : {figures.registered, figures.published, figures.at_level[0],
                             figures.at_level[1], figures.at_level[2], figures.by_deadline}) {
        row += ',';
        row += std::to_string(value);
    }
    row += ',';
    row += report::csv_field(share_text(figures.by_deadline, figures.registered));
    return row + "\r\n";
}

std::string table_row(std::string_view name, const GroupFigures& figures, bool all) {
    const auto cell = [](std::size_t value) {
        return "<td class=\"n\">" + std::to_string(value) + "</td>";
    };
    return std::string(all ? "<tr class=\"all\">" : "<tr>") + "<th scope=\"row\">" +
           html::escape(name) + "</th>" + cell(figures.registered) + cell(figures.published) +
           cell(figures.at_level[0]) + cell(figures.at_level[1]) + cell(figures.at_level[2]) +
           cell(figures.by_deadline) + "<td class=\"n share\">" +
           html::escape(share_text(figures.by_deadline, figures.registered)) + "</td></tr>\n";
}

std::string plural(std::size_t count, std::string_view one, std::string_view many) {
    return std::to_string(count) + " " + std::string(count == 1 ? one : many);
}

std::string year_query(std::string_view year) {
    return "?year=" + form_encode(year);
}

}  // namespace

std::string_view organisation_type_of(std::string_view type_payload) {
    if (type_payload.empty()) {
        return kNotStated;
    }
    const auto value = nlohmann::json::parse(type_payload, nullptr, false);
    if (!value.is_object() || !value.contains("type") || !value["type"].is_string()) {
        return kNotStated;  // cleared ({"deleted":true}) or not a type
    }
    const auto& type = value["type"].get_ref<const std::string&>();
    for (const auto known : protocol::kOrganisationTypes) {
        if (type == known) {
            return known;
        }
    }
    return kNotStated;
}

std::optional<std::size_t> share_tenths(std::size_t part, std::size_t whole) {
    if (whole == 0) {
        return std::nullopt;
    }
    // Exact integer arithmetic: part * 1000 fits for any count a store can hold.
    return static_cast<std::size_t>(static_cast<unsigned long long>(part) * 1000ULL /
                                    static_cast<unsigned long long>(whole));
}

std::string share_text(std::size_t part, std::size_t whole) {
    const auto tenths = share_tenths(part, whole);
    if (!tenths) {
        return "no organisations";
    }
    return std::to_string(*tenths / 10) + "." + std::to_string(*tenths % 10) + "%";
}

PublicStatistics make_statistics(const std::string& year, Date today,
                                 const store::YearCounts& counts,
                                 const std::vector<std::size_t>& weekly,
                                 const std::vector<std::size_t>& previous_weekly) {
    PublicStatistics statistics;
    statistics.year = year;
    statistics.deadline = standards::deadline_of(year);
    statistics.today = today;
    statistics.organisations = counts.organisations;
    statistics.sites = counts.sites;
    statistics.sites_published = counts.sites_published;
    for (const auto type : protocol::kOrganisationTypes) {
        statistics.by_type.emplace_back(std::string(type), GroupFigures{});
    }
    statistics.by_type.emplace_back(std::string(kNotStated), GroupFigures{});
    for (const auto& group : counts.groups) {
        add_group(statistics.all, group);
        const auto type = organisation_type_of(group.type_payload);
        for (auto& [name, figures] : statistics.by_type) {
            if (name == type) {
                add_group(figures, group);
            }
        }
    }
    statistics.previous_year = standards::previous_year(year).value_or("");
    statistics.weeks = chart_weeks(year, weekly);
    if (!statistics.previous_year.empty()) {
        statistics.previous_weeks = chart_weeks(statistics.previous_year, previous_weekly);
    }
    return statistics;
}

PublicStatistics read_statistics(const store::Repository& repository, const std::string& year,
                                 Date today) {
    const auto deadline_end = standards::deadline_of(year).end_unix_ms() + 1;
    const auto counts = repository.year_counts(year, deadline_end);
    const auto weekly = repository.publications_per_week(year, chart_start_ms(year), kChartWeeks);
    std::vector<std::size_t> previous_weekly;
    if (const auto previous = standards::previous_year(year)) {
        previous_weekly =
            repository.publications_per_week(*previous, chart_start_ms(*previous), kChartWeeks);
    }
    return make_statistics(year, today, counts, weekly, previous_weekly);
}

std::vector<std::string> statistics_years() {
    return standards::bundled_years();
}

std::string default_statistics_year(Date today) {
    const auto years = statistics_years();
    const auto now = standards::year_on(today);
    std::string chosen = years.front();
    for (const auto& year : years) {
        if (year <= now) {
            chosen = year;
        }
    }
    return chosen;
}

std::string statistics_json(const PublicStatistics& statistics) {
    nlohmann::ordered_json body;
    body["year"] = statistics.year;
    body["deadline"] = statistics.deadline.to_string();
    body["as_of"] = statistics.today.to_string();
    body["counted"] = kCountedWords;
    body["rounding"] = "shares are percentages rounded down to one decimal place";
    body["registered"] = {{"organisations", statistics.organisations}, {"sites", statistics.sites}};
    body["sites_published"] = statistics.sites_published;
    body["organisations"] = group_json(statistics.all);
    auto types = nlohmann::ordered_json::array();
    for (const auto& [type, figures] : statistics.by_type) {
        nlohmann::ordered_json row;
        row["type"] = type;
        row["name"] = type_name(type);
        row.update(group_json(figures));
        types.push_back(std::move(row));
    }
    body["by_type"] = std::move(types);
    auto weeks = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < statistics.weeks.size(); ++i) {
        const auto& week = statistics.weeks[i];
        nlohmann::ordered_json row;
        row["first"] = week.first.to_string();
        row["last"] = week.last.to_string();
        row["publications"] = week.publications;
        if (i < statistics.previous_weeks.size()) {
            const auto& before = statistics.previous_weeks[i];
            row["previous_first"] = before.first.to_string();
            row["previous_last"] = before.last.to_string();
            row["previous_publications"] = before.publications;
        }
        weeks.push_back(std::move(row));
    }
    body["weekly"] = {{"year", statistics.year},
                      {"previous_year", statistics.previous_year},
                      {"weeks", std::move(weeks)}};
    return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string statistics_csv(const PublicStatistics& statistics) {
    std::string csv = "\xEF\xBB\xBF";
    csv += "Organisation type,Organisations registered," +
           report::csv_field("Published for " + statistics.year) +
           ",Approaching Standards,Standards Met,Standards Exceeded," +
           report::csv_field("Published by " + long_date(statistics.deadline)) +
           ",Share published by the deadline\r\n";
    csv += csv_row("All organisations", statistics.all);
    for (const auto& [type, figures] : statistics.by_type) {
        csv += csv_row(type_name(type), figures);
    }
    return csv;
}

std::string statistics_section(const PublicStatistics& statistics) {
    const auto deadline = long_date(statistics.deadline);
    const auto& all = statistics.all;
    std::string html =
        "<section id=\"statistics\" aria-labelledby=\"statistics-title\">\n"
        "<h2 id=\"statistics-title\">Statistics for " +
        html::escape(statistics.year) + "</h2>\n";
    html += "<p class=\"counted\">These figures count only the " + std::string(kCountedWords) +
            ": " + plural(statistics.organisations, "organisation", "organisations") + " with " +
            plural(statistics.sites, "site", "sites") + ", as of " + long_date(statistics.today) +
            ". They are not figures for every care provider in England. Shares are rounded "
            "down to one decimal place, so a share is never shown higher than it is.</p>\n";
    html += "<ul class=\"headline\">\n<li>" +
            plural(all.by_deadline, "organisation", "organisations") + " of " +
            std::to_string(all.registered) + " (" +
            html::escape(share_text(all.by_deadline, all.registered)) + ") published for " +
            html::escape(statistics.year) + " by the " + deadline + " deadline.</li>\n<li>" +
            plural(all.published, "organisation", "organisations") + " published for " +
            html::escape(statistics.year) + " in all, covering " +
            plural(statistics.sites_published, "site", "sites") + " of " +
            std::to_string(statistics.sites) + ".</li>\n</ul>\n";
    html +=
        "<table class=\"statistics\">\n<caption>Organisations by type: published for " +
        html::escape(statistics.year) +
        " at the level of each one's latest publication of the year</caption>\n"
        "<thead><tr><th scope=\"col\">Organisation type</th>"
        "<th scope=\"col\" class=\"n\">Registered</th><th scope=\"col\" class=\"n\">Published</th>"
        "<th scope=\"col\" class=\"n\">Approaching Standards</th>"
        "<th scope=\"col\" class=\"n\">Standards Met</th>"
        "<th scope=\"col\" class=\"n\">Standards Exceeded</th>"
        "<th scope=\"col\" class=\"n\">Published by " +
        deadline +
        "</th><th scope=\"col\" class=\"n\">Share published by the deadline</th></tr></thead>\n"
        "<tbody>\n" +
        table_row("All organisations", all, true);
    for (const auto& [type, figures] : statistics.by_type) {
        html += table_row(type_name(type), figures, false);
    }
    html += "</tbody>\n</table>\n";

    std::vector<std::string> labels;
    ChartSeries current{statistics.year, {}};
    ChartSeries previous{statistics.previous_year, {}};
    for (std::size_t i = 0; i < statistics.weeks.size(); ++i) {
        labels.push_back(day_and_month(statistics.weeks[i].last));
        current.values.push_back(statistics.weeks[i].publications);
        previous.values.push_back(
            i < statistics.previous_weeks.size() ? statistics.previous_weeks[i].publications : 0);
    }
    const auto title = "Publications per week in the " + std::to_string(kChartWeeks) +
                       " weeks to 30 June: " + statistics.year + " against " +
                       statistics.previous_year;
    html += "<figure>\n" + week_chart_svg(title, labels, current, previous) + "\n<figcaption>" +
            html::escape(title) +
            ". Each bar counts the publications made that week (UTC) for that year's "
            "standards; an organisation that published twice counts twice.</figcaption>\n"
            "</figure>\n";

    const auto query = year_query(statistics.year);
    html += "<p class=\"downloads\"><a href=\"" + html::escape("/api/v1/statistics.csv" + query) +
            "\">Download these figures as CSV</a> <a href=\"" +
            html::escape("/api/v1/statistics" + query) + "\">as JSON</a></p>\n";
    html += "<nav class=\"years\" aria-label=\"Statistics of other years\">Other years:";
    for (const auto& year : statistics_years()) {
        if (year != statistics.year) {
            html += " <a href=\"" + html::escape("/statistics" + year_query(year)) + "\">" +
                    html::escape(year) + "</a>";
        }
    }
    return html + "</nav>\n</section>\n";
}

PublicStatistics StatisticsCache::get(const std::string& year, Date today, Clock::time_point now,
                                      const Count& count) {
    {
        const std::lock_guard lock(mutex_);
        const auto found = entries_.find(year);
        if (found != entries_.end() && found->second.today == today &&
            now >= found->second.counted_at &&
            now - found->second.counted_at < kStatisticsFreshFor) {
            return found->second.statistics;
        }
    }
    auto statistics = count();
    const std::lock_guard lock(mutex_);
    entries_.insert_or_assign(year, Entry{today, now, statistics});
    return statistics;
}

std::string statistics_page(const PublicStatistics& statistics) {
    return html::head("DSPT statistics " + statistics.year,
                      std::string(kStatisticsStyle) + std::string(kStatisticsSectionStyle)) +
           "<h1>Data Security and Protection Toolkit: statistics</h1>\n"
           "<p><a href=\"/\">Search the published assessments</a></p>\n" +
           statistics_section(statistics) + "</body>\n</html>\n";
}

}  // namespace dspt::server::publish
