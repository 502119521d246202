#include "common/standards/open_version.hpp"

#include <algorithm>

#include "common/standards/year.hpp"

namespace dspt::standards {

namespace {

const PackOpening* find_year(const std::vector<PackOpening>& packs, const std::string& year) {
    const auto it = std::find_if(packs.begin(), packs.end(),
                                 [&](const PackOpening& pack) { return pack.year == year; });
    return it == packs.end() ? nullptr : &*it;
}

}  // namespace

std::vector<PackOpening> openings_of(const std::vector<const Pack*>& packs) {
    std::vector<PackOpening> openings;
    for (const auto* pack : packs) {
        openings.push_back({pack->year, pack->opening_date()});
    }
    return openings;
}

std::optional<std::string> open_year(const std::vector<PackOpening>& packs, Date today) {
    std::optional<std::string> open;
    for (const auto& pack : packs) {
        // Years "YYYY-YY" of one century order as text.
        if (pack.opens <= today && (!open || pack.year > *open)) {
            open = pack.year;
        }
    }
    return open;
}

std::optional<std::string> newer_year_notice(const std::vector<PackOpening>& packs, Date today) {
    const auto open = open_year(packs, today);
    const auto current = year_on(today);
    if (!open || *open >= current) {
        return std::nullopt;
    }
    if (const auto* held = find_year(packs, current)) {
        return current + " opens on " + held->opens.to_string() + ": until then " + *open +
               " is the open version";
    }
    return current + " has no standards pack here yet: " + *open +
           " stays the open version until one is installed";
}

std::string version_problem(const std::string& year, const std::optional<std::string>& open,
                            const std::vector<PackOpening>& packs) {
    if (open && year == *open) {
        return "";
    }
    if (!open) {
        return "no toolkit version is open for publishing yet: " + year + " is not open";
    }
    if (year > *open) {
        const auto* held = find_year(packs, year);
        return year + " is not open for publishing yet" +
               (held ? " (it opens on " + held->opens.to_string() + ")" : std::string()) +
               ": the open version is " + *open;
    }
    return year + " is no longer open for publishing: the open version is " + *open +
           " (start it with dspt year start " + *open + ")";
}

}  // namespace dspt::standards
