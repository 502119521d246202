#include "common/standards/pack.hpp"

#include <algorithm>
#include <array>

namespace dspt::standards {

const Item* Pack::find(std::string_view id) const noexcept {
    const auto it =
        std::find_if(items.begin(), items.end(), [&](const Item& item) { return item.id == id; });
    return it == items.end() ? nullptr : &*it;
}

Date Pack::opening_date() const noexcept {
    if (opens) {
        return *opens;
    }
    // year is "YYYY-YY" in every validated pack; the first calendar year's 1 July.
    int first = 0;
    for (std::size_t i = 0; i < 4 && i < year.size(); ++i) {
        first = first * 10 + (year[i] - '0');
    }
    return Date::from_days(std::chrono::sys_days{std::chrono::year{first} / std::chrono::July / 1});
}

std::size_t Pack::count_mandatory_approaching() const noexcept {
    return static_cast<std::size_t>(std::count_if(
        items.begin(), items.end(), [](const Item& item) { return item.mandatory_approaching; }));
}

std::size_t Pack::count_mandatory_met() const noexcept {
    return static_cast<std::size_t>(std::count_if(
        items.begin(), items.end(), [](const Item& item) { return item.needed_for_met(); }));
}

std::string_view to_string(AnswerType type) noexcept {
    switch (type) {
        case AnswerType::confirm:
            return "confirm";
        case AnswerType::text:
            return "text";
        case AnswerType::date:
            return "date";
        case AnswerType::document:
            return "document";
    }
    return "unknown";
}

std::string_view to_string(Source source) noexcept {
    switch (source) {
        case Source::confirmed:
            return "confirmed";
        case Source::inferred:
            return "inferred";
    }
    return "unknown";
}

std::string_view to_string(Level level) noexcept {
    switch (level) {
        case Level::none:
            return "none";
        case Level::approaching:
            return "approaching";
        case Level::met:
            return "met";
        case Level::exceeded:
            return "exceeded";
    }
    return "unknown";
}

std::string_view display_name(Level level) noexcept {
    switch (level) {
        case Level::none:
            return "Not yet at Approaching Standards";
        case Level::approaching:
            return "Approaching Standards";
        case Level::met:
            return "Standards Met";
        case Level::exceeded:
            return "Standards Exceeded";
    }
    return "unknown";
}

std::optional<AnswerType> parse_answer_type(std::string_view text) noexcept {
    for (auto t : {AnswerType::confirm, AnswerType::text, AnswerType::date, AnswerType::document}) {
        if (to_string(t) == text) {
            return t;
        }
    }
    return std::nullopt;
}

std::optional<Source> parse_source(std::string_view text) noexcept {
    for (auto s : {Source::confirmed, Source::inferred}) {
        if (to_string(s) == text) {
            return s;
        }
    }
    return std::nullopt;
}

std::optional<Level> parse_level(std::string_view text) noexcept {
    for (auto l : {Level::none, Level::approaching, Level::met, Level::exceeded}) {
        if (to_string(l) == text) {
            return l;
        }
    }
    return std::nullopt;
}

std::string_view standard_name(int standard) noexcept {
    static constexpr std::array<std::string_view, 10> kNames{
        "Personal Confidential Data", "Staff Responsibilities", "Training",
        "Managing Data Access",       "Process Reviews",        "Responding to Incidents",
        "Continuity Planning",        "Unsupported Systems",    "IT Protection",
        "Accountable Suppliers"};
    return standard >= 1 && standard <= 10 ? kNames[static_cast<std::size_t>(standard - 1)]
                                           : std::string_view();
}

}  // namespace dspt::standards
