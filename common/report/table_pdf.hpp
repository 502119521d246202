#pragma once
// A table as a PDF, drawn with cairo in DejaVu Sans on A4 landscape: the
// heading lines (the first larger, in bold), then a table with a header row,
// repeated on every page, and one row per entry, its cells' text wrapped at
// word boundaries (a word wider than its column is broken). A row taller than
// a page is cut at the page's foot rather than lost. The action plan
// (plan_pdf.hpp) and the answers (answers_pdf.hpp) are both drawn this way.

#include <string>
#include <vector>

namespace dspt::report {

struct PdfTable {
    std::string title;                 // the document's title in its metadata
    std::vector<std::string> heading;  // lines above the table
    std::vector<std::string> headers;  // the header row, one cell per column
    std::vector<double> widths;        // each column's width in points; together
                                       // at most pdf_text_width()
    std::vector<std::vector<std::string>> rows;
    std::string empty_text;  // shown in place of the rows when there are none
};

// The width of a page's text, in points: what the columns may take together.
double pdf_text_width() noexcept;

// The document's bytes. Error(ErrorCode::internal) when cairo fails.
std::string table_pdf(const PdfTable& table);

}  // namespace dspt::report
