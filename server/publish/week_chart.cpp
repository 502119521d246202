#include "server/publish/week_chart.hpp"

#include <algorithm>

#include "common/html.hpp"

namespace dspt::server::publish {

namespace {

constexpr int kChartWidth = 640;
constexpr int kChartHeight = 260;
constexpr int kPlotLeft = 48;
constexpr int kPlotRight = 624;
constexpr int kPlotTop = 36;
constexpr int kPlotBottom = 212;
constexpr std::string_view kCurrentColour = "#005eb8";
constexpr std::string_view kPreviousColour = "#aeb7bd";

// A round top for the value axis: 1, 2 or 5 times a power of ten, at least `most`.
std::size_t axis_top(std::size_t most) {
    std::size_t step = 1;
    while (true) {
        for (const std::size_t factor : {1, 2, 5}) {
            if (step * factor >= most) {
                return std::max<std::size_t>(step * factor, 1);
            }
        }
        step *= 10;
    }
}

std::string number(long value) {
    return std::to_string(value);
}

std::string text_at(int x, int y, std::string_view anchor, std::string_view text) {
    return "<text x=\"" + number(x) + "\" y=\"" + number(y) + "\" text-anchor=\"" +
           std::string(anchor) + "\">" + html::escape(text) + "</text>";
}

std::string bar(int x, int width, std::size_t value, std::size_t top, std::string_view colour) {
    const int height = static_cast<int>(static_cast<long long>(value) * (kPlotBottom - kPlotTop) /
                                        static_cast<long long>(top));
    return "<rect x=\"" + number(x) + "\" y=\"" + number(kPlotBottom - height) + "\" width=\"" +
           number(width) + "\" height=\"" + number(height) + "\" fill=\"" + std::string(colour) +
           "\"/>";
}

}  // namespace

std::string week_chart_svg(std::string_view title, const std::vector<std::string>& labels,
                           const ChartSeries& current, const ChartSeries& previous) {
    std::size_t most = 0;
    for (const auto* series : {&current, &previous}) {
        for (const auto value : series->values) {
            most = std::max(most, value);
        }
    }
    const auto top = axis_top(most);
    std::string desc;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        desc += (i == 0 ? "" : "; ") + labels[i] + ": " +
                std::to_string(i < current.values.size() ? current.values[i] : 0) + " in " +
                current.name + ", " +
                std::to_string(i < previous.values.size() ? previous.values[i] : 0) + " in " +
                previous.name;
    }
    std::string svg =
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" "
        "aria-labelledby=\"chart-title chart-desc\" viewBox=\"0 0 " +
        number(kChartWidth) + " " + number(kChartHeight) + "\" width=\"" + number(kChartWidth) +
        "\" height=\"" + number(kChartHeight) +
        "\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\" "
        "fill=\"#1d1d1b\">"
        "<title id=\"chart-title\">" +
        html::escape(title) + "</title><desc id=\"chart-desc\">" + html::escape(desc) + "</desc>";
    // The value axis: its top, its middle and zero, each with a grid line.
    for (const std::size_t value : {std::size_t{0}, top / 2, top}) {
        if (value == top / 2 && (top % 2 != 0 || top < 2)) {
            continue;  // a middle that is not a whole number
        }
        const int y =
            kPlotBottom - static_cast<int>(static_cast<long long>(value) *
                                           (kPlotBottom - kPlotTop) / static_cast<long long>(top));
        svg += "<line x1=\"" + number(kPlotLeft) + "\" y1=\"" + number(y) + "\" x2=\"" +
               number(kPlotRight) + "\" y2=\"" + number(y) + "\" stroke=\"#d8dde0\"/>" +
               text_at(kPlotLeft - 6, y + 4, "end", std::to_string(value));
    }
    const auto weeks = std::max<std::size_t>(labels.size(), 1);
    const int slot = (kPlotRight - kPlotLeft) / static_cast<int>(weeks);
    const int bar_width = std::max(2, (slot - 6) / 2);
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const int x = kPlotLeft + static_cast<int>(i) * slot + 3;
        svg += bar(x, bar_width, i < previous.values.size() ? previous.values[i] : 0, top,
                   kPreviousColour);
        svg += bar(x + bar_width, bar_width, i < current.values.size() ? current.values[i] : 0, top,
                   kCurrentColour);
        // Every other week is labelled, counting back from the last, so the deadline's
        // week always is.
        if ((labels.size() - 1 - i) % 2 == 0) {
            svg += text_at(x + bar_width, kPlotBottom + 16, "middle", labels[i]);
        }
    }
    svg += "<text x=\"" + number((kPlotLeft + kPlotRight) / 2) + "\" y=\"" +
           number(kPlotBottom + 36) + "\" text-anchor=\"middle\">Week ending</text>";
    // The legend, top left.
    svg += "<rect x=\"" + number(kPlotLeft) + "\" y=\"8\" width=\"12\" height=\"12\" fill=\"" +
           std::string(kCurrentColour) + "\"/>" +
           text_at(kPlotLeft + 18, 18, "start", current.name) + "<rect x=\"" +
           number(kPlotLeft + 120) + "\" y=\"8\" width=\"12\" height=\"12\" fill=\"" +
           std::string(kPreviousColour) + "\"/>" +
           text_at(kPlotLeft + 138, 18, "start", previous.name);
    return svg + "</svg>";
}

}  // namespace dspt::server::publish
