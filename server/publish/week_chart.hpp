#pragma once
// A small bar chart drawn by the server as inline SVG, for pages that run no script:
// for each week, one bar of this year's count beside one of last year's, with a value
// axis, a label under every other week and a legend. Pure; safe from any thread.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dspt::server::publish {

struct ChartSeries {
    std::string name;                 // in the legend, "2025-26"
    std::vector<std::size_t> values;  // one a week
};

// `<svg role="img" ...>` with a <title> (`title`) and a <desc> listing every value, so
// a screen reader gets the figures; every text is escaped. `labels` name the weeks
// ("30 Jun"); the series have one value per label.
std::string week_chart_svg(std::string_view title, const std::vector<std::string>& labels,
                           const ChartSeries& current, const ChartSeries& previous);

}  // namespace dspt::server::publish
