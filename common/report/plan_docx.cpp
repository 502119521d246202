#include "common/report/plan_docx.hpp"

#include "common/files.hpp"
#include "common/html.hpp"
#include "common/report/xlsx_writer.hpp"
#include "common/report/zip_writer.hpp"

namespace dspt::report {

namespace {

constexpr const char* kContentTypes =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
    "\n"
    R"(<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">)"
    R"(<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>)"
    R"(<Default Extension="xml" ContentType="application/xml"/>)"
    R"(<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>)"
    R"(</Types>)";

constexpr const char* kRelationships =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
    "\n"
    R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
    R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>)"
    R"(</Relationships>)";

// Column widths in twentieths of a point; together the A4 landscape text width.
constexpr int kDocxWidths[] = {900, 2300, 2500, 3600, 1700, 1300, 1300};

std::string text_run(std::string_view text, bool bold) {
    std::string run = "<w:r>";
    if (bold) {
        run += "<w:rPr><w:b/></w:rPr>";
    }
    run += R"(<w:t xml:space="preserve">)" + html::escape(xlsx_cell_text(text)) + "</w:t></w:r>";
    return run;
}

std::string paragraph(std::string_view text, bool bold = false) {
    return "<w:p>" + text_run(text, bold) + "</w:p>";
}

std::string table_row(const std::array<std::string, 7>& cells, bool header) {
    std::string row = header ? "<w:tr><w:trPr><w:tblHeader/></w:trPr>" : "<w:tr>";
    for (std::size_t i = 0; i < cells.size(); ++i) {
        row += R"(<w:tc><w:tcPr><w:tcW w:w=")" + std::to_string(kDocxWidths[i]) +
               R"(" w:type="dxa"/></w:tcPr>)" + paragraph(cells[i], header) + "</w:tc>";
    }
    return row + "</w:tr>";
}

std::string document_xml(const PlanReport& report) {
    std::string body;
    bool first = true;
    for (const auto& line : plan_heading(report)) {
        body += paragraph(line, first);
        first = false;
    }
    body += "<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/><w:tblBorders>";
    for (const char* side : {"top", "left", "bottom", "right", "insideH", "insideV"}) {
        body += std::string("<w:") + side +
                R"( w:val="single" w:sz="4" w:space="0" w:color="808080"/>)";
    }
    body += "</w:tblBorders></w:tblPr><w:tblGrid>";
    for (const int width : kDocxWidths) {
        body += R"(<w:gridCol w:w=")" + std::to_string(width) + R"("/>)";
    }
    body += "</w:tblGrid>";
    std::array<std::string, 7> headers;
    for (std::size_t i = 0; i < headers.size(); ++i) {
        headers[i] = kPlanHeaders[i];
    }
    body += table_row(headers, true);
    for (const auto& row : report.rows) {
        body += table_row(plan_cells(row), false);
    }
    body += "</w:tbl>";
    if (report.rows.empty()) {
        body += paragraph("Every item needed for Standards Met is satisfied: nothing to plan.");
    }
    // A4 landscape, 2 cm margins.
    body +=
        R"(<w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>)"
        R"(<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr>)";
    return R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
           "\n"
           R"(<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>)" +
           body + "</w:body></w:document>";
}

}  // namespace

std::string plan_docx(const PlanReport& report) {
    return zip_stored({{"[Content_Types].xml", kContentTypes},
                       {"_rels/.rels", kRelationships},
                       {"word/document.xml", document_xml(report)}});
}

void write_plan_docx(const PlanReport& report, const std::filesystem::path& path) {
    write_file_atomic(path, plan_docx(report));
}

}  // namespace dspt::report
