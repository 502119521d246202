// The action plan as a document against the real server and client: `dspt
// plan export` writes it from the entries, and `dspt plan attach` uploads one
// that stands for the entries when publishing at Approaching Standards.

#include <string>

#include <catch2/catch.hpp>

#include "common/files.hpp"
#include "tests/integration/answering.hpp"
#include "tests/integration/server_fixture.hpp"
#include "tests/support/process.hpp"

using namespace dspt;
using namespace dspt::test;

namespace {

// Cedar House (CD2): a single-site provider, its one device enrolled to its site.
struct CedarSite {
    ServerProcess server;
    ClientHome home;
    ClientHome second;  // another device of the same site

    CedarSite() {
        server.register_demo();
        enrol(home, server, server.code({"--org", "CD2", "--site", "VC001"}), "Cedar House");
    }
};

}  // namespace

TEST_CASE(
    "Approaching Standards is refused with neither plan entries nor a plan document, and "
    "accepted with an uploaded document alone",
    "[integration][action_plan]") {
    CedarSite cedar;
    answer_all(cedar.home, "approaching");
    const auto lacking = cedar.home.json({"items", "--missing", "met"});
    REQUIRE(lacking.size() > 0);
    const auto first = lacking[0]["id"].get<std::string>();

    const auto refused = cedar.home.run({"publish", "--level", "approaching", "--json"});
    CHECK(refused.exit_code == 2);
    const auto answer = nlohmann::json::parse(refused.out);
    CHECK(answer["published"] == false);
    const auto message = answer["problems"][0]["message"].get<std::string>();
    CHECK_THAT(message, Catch::Contains("dspt plan set " + first));
    CHECK_THAT(message, Catch::Contains("dspt plan attach FILE"));

    // The provider writes its plan in a word processor and uploads it.
    const auto plan = cedar.home.write_file("Cedar action plan.odt", "our plan, in our words");
    const auto attached = cedar.home.run({"plan", "attach", plan.string()});
    INFO(attached.err);
    REQUIRE(attached.exit_code == 0);
    CHECK_THAT(attached.out, Catch::Contains("as the action-plan document"));
    CHECK(cedar.home.json({"plan", "list"}).empty());  // no structured entries
    CHECK_THAT(cedar.home.run({"plan", "list"}).out,
               Catch::Contains("Plan document: Cedar action plan.odt"));

    // Published by the server, which sees the document's record after the sync.
    const auto published = cedar.home.json({"publish", "--level", "approaching"});
    CHECK(published["published"] == true);
    CHECK(published["publication"]["level"] == "approaching");

    // Another device of the site receives the document with the rest.
    enrol(cedar.second, cedar.server,
          cedar.home.json({"invite", "--site", "VC001"})["code"].get<std::string>(), "Cedar House");
    cedar.second.json({"sync"});
    const auto files = cedar.second.json({"evidence", "list", "plan"});
    REQUIRE(files.size() == 1);
    CHECK(files[0]["name"] == "Cedar action plan.odt");
    const auto copy = cedar.second.write_file("placeholder", "").parent_path() / "copy.odt";
    REQUIRE(cedar.second.run({"evidence", "get", files[0]["id"], copy.string()}).exit_code == 0);
    CHECK(read_file(copy, 1024) == "our plan, in our words");
}

TEST_CASE("dspt plan export writes the plan in the format its extension names",
          "[integration][action_plan]") {
    CedarSite cedar;
    answer_all(cedar.home, "approaching");
    const auto lacking = cedar.home.json({"items", "--missing", "met"});
    REQUIRE(lacking.size() > 1);
    const auto planned = lacking[0]["id"].get<std::string>();
    const auto unplanned = lacking[1]["id"].get<std::string>();
    REQUIRE(cedar.home
                .run({"plan", "set", planned, "--action", "Write the <procedure> & train",
                      "--owner", "Registered manager", "--due", "2027-03-31"})
                .exit_code == 0);

    const auto pdf = cedar.home.write_file("placeholder", "").parent_path() / "plan.pdf";
    const auto wrote = cedar.home.run({"plan", "export", pdf.string()});
    INFO(wrote.err);
    REQUIRE(wrote.exit_code == 0);
    CHECK_THAT(wrote.out,
               Catch::Contains(std::to_string(lacking.size() - 1) + " without an entry"));
    const auto text = run_process("/usr/bin/pdftotext", {"-layout", pdf.string(), "-"});
    REQUIRE(text.exit_code == 0);
    CHECK_THAT(text.out, Catch::Contains("Organisation: Cedar House (CD2)"));
    CHECK_THAT(text.out, Catch::Contains("Site: Cedar House (VC001)"));
    CHECK_THAT(text.out, Catch::Contains(planned));
    CHECK_THAT(text.out, Catch::Contains("Registered"));  // the owner, wrapped in its column
    CHECK_THAT(text.out, Catch::Contains(unplanned));
    CHECK_THAT(text.out, Catch::Contains("No plan entry"));

    // An existing file stays unless --force; an unknown extension is refused.
    const auto again = cedar.home.run({"plan", "export", pdf.string()});
    CHECK(again.exit_code != 0);
    CHECK_THAT(again.err, Catch::Contains("--force"));
    CHECK(cedar.home.run({"plan", "export", pdf.string(), "--force"}).exit_code == 0);
    const auto odd = cedar.home.run({"plan", "export", (pdf.parent_path() / "plan.odt").string()});
    CHECK(odd.exit_code == 2);
    CHECK_THAT(odd.err, Catch::Contains(".xlsx, .docx or .pdf"));
    CHECK_FALSE(std::filesystem::exists(pdf.parent_path() / "plan.odt"));

    const auto docx = pdf.parent_path() / "plan.docx";
    REQUIRE(cedar.home.run({"plan", "export", docx.string()}).exit_code == 0);
    const auto document =
        run_process("/usr/bin/python3", {"-c",
                                         "import sys, zipfile\n"
                                         "z = zipfile.ZipFile(sys.argv[1])\n"
                                         "assert z.testzip() is None\n"
                                         "sys.stdout.write(z.read('word/document.xml').decode())\n",
                                         docx.string()});
    INFO(document.err);
    REQUIRE(document.exit_code == 0);
    CHECK_THAT(document.out, Catch::Contains("Write the &lt;procedure&gt; &amp; train"));
    CHECK_THAT(document.out, Catch::Contains(">" + unplanned + "<"));

    const auto xlsx = pdf.parent_path() / "plan.xlsx";
    REQUIRE(cedar.home.run({"plan", "export", xlsx.string()}).exit_code == 0);
    CHECK(std::filesystem::file_size(xlsx) > 0);
}
