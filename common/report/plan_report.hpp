#pragma once
// The action plan as a document (docs/domain.md, "Publishing"): the toolkit asks
// a provider publishing at Approaching Standards to upload an action plan, in
// any format. `dspt plan export` builds it from the structured entries (`dspt
// plan set`) for every item Standards Met needs that is not yet satisfied, and
// writes it as XLSX (xlsx_writer.hpp), DOCX (plan_docx.hpp) or PDF
// (plan_pdf.hpp). An item with no entry is listed as such, so the document
// shows what the plan still lacks.
//
// A PlanReport is plain data; build_plan_report() is pure (no I/O, no clock:
// the date is an argument) and safe to call from any thread.

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "common/assessment/assessment.hpp"
#include "common/date.hpp"
#include "common/standards/pack.hpp"

namespace dspt::report {

// One item Standards Met needs that is not satisfied, and its plan entry.
struct PlanRow {
    std::string item_id;   // "1.2.4"
    std::string title;     // the item's short title from the pack
    std::string missing;   // what the item lacks, in words ("No answer yet", ...)
    bool planned = false;  // the item has a plan entry; the three below are empty otherwise
    std::string action;
    std::string owner;
    std::string due;  // "YYYY-MM-DD"

    // "Planned" or "No plan entry".
    std::string_view status() const noexcept;

    friend bool operator==(const PlanRow&, const PlanRow&) = default;
};

struct PlanReport {
    std::string organisation;   // the organisation's name (and ODS code when known)
    std::string site;           // the site the plan is for; may equal the organisation
    std::string year;           // the pack's year, "2025-26"
    std::string made_on;        // the date it was made, "YYYY-MM-DD"
    std::vector<PlanRow> rows;  // in pack order

    friend bool operator==(const PlanReport&, const PlanReport&) = default;
};

// The column headings every writer uses, in order.
inline constexpr std::array<std::string_view, 7> kPlanHeaders{
    "Item", "Title", "What is missing", "Action", "Owner", "Target date", "Status"};

// A row's cells in kPlanHeaders order.
std::array<std::string, 7> plan_cells(const PlanRow& row);

// The report's heading lines: title, organisation, site, year, date made, and
// how many items have an entry.
std::vector<std::string> plan_heading(const PlanReport& report);

// The plan for `assessment`: one row per item of `pack` that needed_for_met()
// and is not satisfied, with its plan entry when there is one.
PlanReport build_plan_report(const standards::Pack& pack, const assessment::Assessment& assessment,
                             std::string organisation, std::string site, Date made_on);

}  // namespace dspt::report
