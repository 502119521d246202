#pragma once
// The answers report: one site's assessment for one standards year as a table
// with one row per item, the spreadsheet a care manager hands to their manager
// and a head office sends to each registered manager (docs/domain.md, "The answers spreadsheet").
//
// What it holds, and what it never holds:
//   - responses only: each item's answer, comment, the names of its evidence
//     files, the stated location of a document, and its action-plan entry;
//   - never evidence content. An AnswersReport is built from an Assessment,
//     which holds only references to evidence (assessment.hpp), and the writers
//     (csv_writer.hpp, xlsx_writer.hpp) write nothing but what is in the report.
//
// An AnswersReport is plain data. build_answers_report() is pure: no I/O and no
// clock (the date is an argument), so it is safe to call from any thread and
// gives the same report for the same inputs. The client (`dspt export`) and the
// server build it the same way; the writers turn it into CSV or XLSX.

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/assessment/assessment.hpp"
#include "common/date.hpp"
#include "common/standards/pack.hpp"

namespace dspt::report {

// One item of the pack and this site's response to it.
struct ReportRow {
    int standard = 0;      // National Data Guardian standard, 1..10
    std::string item_id;   // "1.1.1"
    std::string title;     // the item's short title from the pack
    std::string question;  // the question as the pack asks it
    std::string type;      // standards::to_string(AnswerType): confirm|text|date|document
    bool mandatory_approaching = false;
    bool mandatory_met = false;
    std::string state;           // assessment::to_string(ItemState): unanswered|answered|satisfied
    std::string answer;          // the answer's value ("yes", the text, the date); empty for
                                 // document items, whose value is the location below
    std::string comment;         // the comment typed with the answer; may be empty
    std::string evidence_files;  // names of the item's evidence files joined with "; ",
                                 // in the order the assessment lists them; never content
    std::string location;        // document items only: where the document is kept, as stated
    std::string plan_action;     // the action-plan entry, when there is one; else all three empty
    std::string plan_owner;
    std::string plan_due;  // "YYYY-MM-DD"
    std::string source;    // standards::to_string(Source): confirmed|inferred

    friend bool operator==(const ReportRow&, const ReportRow&) = default;
};

// The whole report: a summary and the rows, in pack order (standard, then id).
struct AnswersReport {
    std::string site_name;
    std::string year;                       // the pack's year, "2025-26"
    std::string level;                      // standards::display_name() of the level reached, e.g.
                                            // "Approaching Standards"
    std::string generated_on;               // the as_of date, "YYYY-MM-DD"
    std::size_t approaching_satisfied = 0;  // mandatory items for Approaching Standards
    std::size_t approaching_total = 0;      // that are satisfied, of the total
    std::size_t met_satisfied = 0;          // the same for Standards Met
    std::size_t met_total = 0;
    std::vector<ReportRow> rows;
};

// Builds the report for `assessment` (normally a site's effective assessment,
// assessment::effective_assessment) against `pack`, with the level and item
// states the evaluator gives on `as_of`.
//
// There is one row per pack item, in pack order, answered or not. Answers,
// evidence references and plan entries for ids that are not in the pack are
// left out, as the evaluator ignores them. Never throws except std::bad_alloc.
AnswersReport build_answers_report(const standards::Pack& pack,
                                   const assessment::Assessment& assessment, std::string site_name,
                                   Date as_of);

// The report's columns, shared by every writer so that the CSV and the XLSX
// files have the same columns in the same order.
inline constexpr std::size_t kColumnCount = 16;
inline constexpr std::array<std::string_view, kColumnCount> kColumnHeaders = {
    "Standard",
    "Item",
    "Title",
    "Question",
    "Type",
    "Mandatory for Approaching Standards",
    "Mandatory for Standards Met",
    "State",
    "Answer",
    "Comment",
    "Evidence files",
    "Document location",
    "Action",
    "Action owner",
    "Action due",
    "Source",
};

// A row's cells as text, in kColumnHeaders order: the standard as a decimal
// number, booleans as "Yes" or "No", every other field as it is. No escaping;
// that is each writer's job.
std::array<std::string, kColumnCount> to_cells(const ReportRow& row);

}  // namespace dspt::report
