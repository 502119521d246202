#pragma once
// Which toolkit version is open for publishing on a day (docs/domain.md,
// "Publishing"), as pure functions over the packs a program holds: no clock,
// no files. The open version is the newest pack whose opening date has
// passed; it stays open after its 30 June deadline, for late publishing,
// until a newer one opens. The server decides publications with it on its own
// date; the client shows it and checks it before asking.

#include <optional>
#include <string>
#include <vector>

#include "common/date.hpp"
#include "common/standards/pack.hpp"

namespace dspt::standards {

// A pack as far as opening is concerned: its year and the day it opened
// (Pack::opening_date()).
struct PackOpening {
    std::string year;  // "2025-26"
    Date opens;

    bool operator==(const PackOpening&) const = default;
};

// The opening of each pack, in the order given.
std::vector<PackOpening> openings_of(const std::vector<const Pack*>& packs);

// The year of the open version on `today`: the newest year among `packs`
// that opened on or before `today`. nullopt when none has opened.
// 2025-26 opening 2025-09-18: open from that day, and still open in
// December 2026 while no 2026-27 pack is held.
std::optional<std::string> open_year(const std::vector<PackOpening>& packs, Date today);

// What the open version is not, in words, when the standards year `today`
// falls in (year_on) is newer than the open one: "2026-27 has no standards
// pack here yet: 2025-26 stays the open version until one is installed", or,
// for a pack held that has not opened, "2026-27 opens on 2026-09-15: until
// then 2025-26 is the open version". nullopt when the open version is the
// year of `today`, or nothing is open.
std::optional<std::string> newer_year_notice(const std::vector<PackOpening>& packs, Date today);

// Why a publication against `year` is refused when `open` is the open version
// on that day: "" when `year` is the open version. `packs` gives the opening
// date of a year not yet open.
std::string version_problem(const std::string& year, const std::optional<std::string>& open,
                            const std::vector<PackOpening>& packs);

}  // namespace dspt::standards
