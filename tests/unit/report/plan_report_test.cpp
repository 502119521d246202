// The action plan document: which items it lists, and what the XLSX, DOCX and
// PDF files hold when read back by other tools (the zip reader, python3's
// zipfile and XML parser, poppler's pdftotext).

#include <catch2/catch.hpp>

#include "common/files.hpp"
#include "common/report/plan_docx.hpp"
#include "common/report/plan_pdf.hpp"
#include "common/report/xlsx_writer.hpp"
#include "common/report/zip_writer.hpp"
#include "tests/support/process.hpp"
#include "tests/unit/report/report_fixture.hpp"
#include "tests/unit/report/zip_reader.hpp"

using namespace dspt;
using namespace dspt::report;
using namespace dspt::report::testing;

namespace {

// 1.1.1 and 1.1.2 satisfied; 3.2.1 answered "no" with a plan entry whose text
// needs escaping; 7.2.1 unanswered with no entry; 10.2.2 optional.
PlanReport sample_plan() {
    auto a = small_assessment();
    a.plan["3.2.1"].action = "Train <night> staff & \"agency\" staff";
    return build_plan_report(small_pack(), a, "Rose Care Ltd (RC1)", "Rose House (VR001)", kAsOf);
}

bool plan_holds(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

std::string read_plan_file(const std::filesystem::path& path) {
    return dspt::read_file(path, 16 * 1024 * 1024);
}

}  // namespace

TEST_CASE("the action plan lists every unmet item Standards Met needs, planned or not",
          "[unit][report]") {
    const auto plan = sample_plan();
    REQUIRE(plan.rows.size() == 2);
    CHECK(plan.year == "2025-26");
    CHECK(plan.made_on == "2026-03-01");
    const auto& planned = plan.rows[0];
    CHECK(planned.item_id == "3.2.1");
    CHECK(planned.title == "title 3.2.1");
    CHECK(planned.missing == "Answered \"no\": Standards Met needs yes");
    CHECK(planned.planned);
    CHECK(planned.owner == "Registered manager");
    CHECK(planned.due == "2026-05-01");
    CHECK(planned.status() == "Planned");
    const auto& unplanned = plan.rows[1];
    CHECK(unplanned.item_id == "7.2.1");
    CHECK(unplanned.missing == "No answer yet");
    CHECK_FALSE(unplanned.planned);
    CHECK(unplanned.action.empty());
    CHECK(unplanned.status() == "No plan entry");
    CHECK(plan_holds(plan_heading(plan)[4], "2 item(s)"));
    CHECK(plan_holds(plan_heading(plan)[4], "1 with a plan entry"));

    // Everything satisfied: nothing to plan.
    auto done = small_assessment();
    done.answers["3.2.1"] = answer("yes");
    done.answers["7.2.1"] = answer("2026-01-31");
    CHECK(build_plan_report(small_pack(), done, "O", "S", kAsOf).rows.empty());
}

TEST_CASE("the action plan workbook holds the heading and every row", "[unit][report]") {
    TempDir dir;
    const auto path = dir.path() / "plan.xlsx";
    write_plan_xlsx(sample_plan(), path);
    const auto entries = unzip(read_plan_file(path));
    REQUIRE(entries.count("xl/sharedStrings.xml") == 1);
    CHECK(plan_holds(entries.at("xl/workbook.xml"), "name=\"Action plan\""));
    const auto& strings = entries.at("xl/sharedStrings.xml");
    for (const auto* text :
         {"Organisation: Rose Care Ltd (RC1)", "Site: Rose House (VR001)", "Made on: 2026-03-01",
          "What is missing", "Target date", "3.2.1", "Registered manager", "2026-05-01", "Planned",
          "7.2.1", "No answer yet", "No plan entry",
          "Train &lt;night&gt; staff &amp; \"agency\" staff"}) {
        INFO(text);
        CHECK(plan_holds(strings, text));
    }
    CHECK_FALSE(plan_holds(strings, "1.1.1"));  // satisfied: not in the plan
}

TEST_CASE("the action plan .docx is a valid zip whose document.xml holds the rows",
          "[unit][report]") {
    TempDir dir;
    const auto path = dir.path() / "plan.docx";
    write_plan_docx(sample_plan(), path);

    const auto entries = unzip(read_plan_file(path));
    REQUIRE(entries.size() == 3);
    CHECK(plan_holds(entries.at("[Content_Types].xml"), "wordprocessingml.document.main+xml"));
    CHECK(plan_holds(entries.at("_rels/.rels"), "Target=\"word/document.xml\""));
    const auto& document = entries.at("word/document.xml");
    CHECK(plan_holds(document, ">3.2.1<"));
    CHECK(plan_holds(document, ">No plan entry<"));
    CHECK(plan_holds(document, "Train &lt;night&gt; staff &amp; &quot;agency&quot; staff"));
    CHECK(plan_holds(document, "Site: Rose House (VR001)"));

    // Another reader checks every CRC-32 and parses the XML.
    const auto checked = dspt::test::run_process(
        "/usr/bin/python3", {"-c",
                             "import sys, zipfile, xml.dom.minidom\n"
                             "z = zipfile.ZipFile(sys.argv[1])\n"
                             "assert z.testzip() is None\n"
                             "for name in z.namelist(): xml.dom.minidom.parseString(z.read(name))\n"
                             "d = xml.dom.minidom.parseString(z.read('word/document.xml'))\n"
                             "print(len(d.getElementsByTagName('w:tr')))\n",
                             path.string()});
    INFO(checked.err);
    REQUIRE(checked.exit_code == 0);
    CHECK(checked.out == "3\n");  // the header row and two items
}

TEST_CASE("a zip entry's bytes are stored as given and their CRC-32 read back", "[unit][report]") {
    const std::string binary("a\0b\xff", 4);
    const auto entries = unzip(zip_stored({{"x.bin", binary}, {"dir/y.txt", "hello"}}));
    CHECK(entries.at("x.bin") == binary);
    CHECK(entries.at("dir/y.txt") == "hello");
}

TEST_CASE("the action plan PDF shows the heading and every row", "[unit][report]") {
    TempDir dir;
    const auto path = dir.path() / "plan.pdf";
    auto plan = sample_plan();
    // Enough rows for a second page, and a word wider than its column.
    for (int i = 0; i < 40; ++i) {
        plan.rows.push_back({"9.9." + std::to_string(i),
                             "A long title that wraps in its column",
                             "No answer yet",
                             false,
                             {},
                             {},
                             {}});
    }
    plan.rows.back().missing = std::string(120, 'x');
    write_plan_pdf(plan, path);
    CHECK(read_plan_file(path).substr(0, 5) == "%PDF-");
    const auto text = dspt::test::run_process("/usr/bin/pdftotext", {path.string(), "-"});
    INFO(text.err);
    REQUIRE(text.exit_code == 0);
    for (const auto* expected :
         {"Organisation: Rose Care Ltd (RC1)", "Made on: 2026-03-01", "What is missing", "3.2.1",
          "Registered", "2026-05-01", "7.2.1", "No plan entry", "9.9.39", "Train <night> staff"}) {
        INFO(expected);
        CHECK(plan_holds(text.out, expected));
    }
    CHECK(plan_holds(text.out, "\f"));  // more than one page
    const auto pages = dspt::test::run_process("/usr/bin/pdfinfo", {path.string()});
    CHECK(plan_holds(pages.out, "Pages:"));
    CHECK_FALSE(plan_holds(pages.out, "Pages:          1\n"));
}
