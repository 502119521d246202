// The publish page and the export page. Which levels the assessment can be
// published at is asked of client/store/publish_outlook (the function the
// server decides with, over this device's own copy and the publications
// learned at the last sync); the server, which holds every device's changes,
// has the last word and its answer is shown too.

#include "client/store/evidence_store.hpp"
#include "client/store/publish_outlook.hpp"
#include "client/ui/evidence_list.hpp"
#include "client/ui/page_layout.hpp"
#include "client/ui/pages.hpp"
#include "client/ui/readiness_view.hpp"
#include "client/ui/site_view.hpp"
#include "common/assessment/assessment.hpp"
#include "common/error.hpp"

namespace dspt::client::ui {

namespace {

using standards::Level;

std::string server_answer(const protocol::PublishResponse& answer) {
    std::string html =
        "<section class=\"card\" aria-labelledby=\"answer-heading\"><h2 "
        "id=\"answer-heading\">The server's answer</h2><div id=\"server-answer\">";
    if (answer.published) {
        const auto& publication = answer.publication;
        std::string sites;
        for (const auto& site : publication.sites) {
            sites += (sites.empty() ? "" : ", ") + site;
        }
        const auto level = standards::parse_level(publication.level).value_or(Level::none);
        html += "<p>Published at <strong>" + escape(standards::display_name(level)) +
                "</strong> for " + escape(publication.year) + " on " +
                escape(long_date(Date::from_unix_ms(publication.published_at_ms))) + ": " +
                escape(sites) + ". It is now on the public register.</p>";
    } else {
        html += "<p>Not published. The server found:</p><ul class=\"reasons\">";
        for (const auto& problem : answer.problems) {
            html += "<li>" + (problem.site.empty() ? "" : escape(problem.site) + ": ") +
                    escape(without_command_hints(problem.message)) + "</li>";
        }
        html += "</ul>";
    }
    return html + "</div></section>\n";
}

// The plan documents attached with `dspt plan attach`: at Approaching Standards
// one stands for the plan entries.
std::string plan_documents(LocalStore& store, const PageInputs& inputs) {
    bool writable = true;
    try {
        store.require_writable();
    } catch (const Error&) {
        writable = false;
    }
    const auto files = store.evidence().list(assessment::kPlanDocumentSlot);
    std::string html =
        "<section class=\"card\" aria-labelledby=\"plan-documents-heading\"><h2 "
        "id=\"plan-documents-heading\">Action plan documents</h2><p>Publishing at Approaching "
        "Standards needs an action plan for every Standards Met item still missing: a plan "
        "entry on each item's page, or one plan document attached here.</p>";
    html += files.empty()
                ? "<p id=\"plan-documents-none\">No plan document attached.</p>"
                : evidence_list(files, "plan-documents", store.scope(), writable, inputs.csrf);
    if (writable) {
        html +=
            upload_form("/plan-document", "file-plan-document", "/publish#plan-documents-heading",
                        inputs.csrf, inputs.max_upload_bytes);
    }
    return html + "</section>\n";
}

}  // namespace

std::string publish_content(LocalStore& store, const PageInputs& inputs) {
    const auto today = Date::today();
    const auto whose = whose_assessment(store);
    // A head office publishes for its sites, one chosen at a time here.
    const bool choose_site = whose.headquarters && whose.site_code.empty();
    std::string html =
        "<p>Publishing sends this device's changes first, then asks the server "
        "to publish the " +
        escape(store.info().year) +
        " assessment. It needs a connection; nothing is lost without one. You are asked to "
        "confirm before anything is published.</p>\n";
    if (choose_site) {
        html +=
            "<p id=\"choose-site\" class=\"flash\">A head office publishes for each site: "
            "choose a site with Show at the top of the page, or open it from the <a "
            "href=\"/organisation\">list of every site</a>.</p>\n";
    }
    if (inputs.last_publish) {
        html += server_answer(*inputs.last_publish);
    }
    const auto ready = readiness(store, today);
    for (const auto& outlook : ready.levels) {
        const auto level = outlook.level;
        const auto& problems = outlook.problems;
        const auto key = std::string(standards::to_string(level));
        html += "<section class=\"card\" id=\"level-" + key + "\" aria-labelledby=\"level-title-" +
                key + "\"><h2 id=\"level-title-" + key + "\">" +
                escape(standards::display_name(level)) + "</h2>";
        if (problems.empty()) {
            // The sites the screen publishes for: the store's site, when it has one.
            const auto earlier =
                republishes(store, level,
                            store.scope().empty() ? std::vector<std::string>{}
                                                  : std::vector<std::string>{store.scope()},
                            today);
            html += "<p class=\"ready\">Ready to publish.</p>";
            if (earlier) {
                html += "<p class=\"republish\" id=\"republish-" + key +
                        "\">Publishing again republishes: " + escape(describe_republish(*earlier)) +
                        ".</p>";
            }
            if (!choose_site) {
                html +=
                    "<form method=\"get\" action=\"/publish/confirm\"><input "
                    "type=\"hidden\" name=\"level\" value=\"" +
                    key + "\"><button type=\"submit\" id=\"publish-" + key + "\">" +
                    (earlier ? "Publish again at " : "Publish at ") +
                    escape(standards::display_name(level)) + "&hellip;</button></form>";
            }
        } else {
            html += "<p>Not yet: " + std::to_string(problems.size()) + " reason(s).</p>";
            html += held_back_notice(ready, level, "held-back-" + key);
            html += "<ul class=\"reasons\">";
            for (const auto& problem : problems) {
                const auto* item = problem.item.empty() ? nullptr : store.pack().find(problem.item);
                html += "<li>";
                if (item != nullptr) {
                    html += "<a href=\"" + escape(item_link(*item)) + "\">" + escape(item->id) +
                            "</a>: ";
                }
                html += escape(problem.message) + "</li>";
            }
            html += "</ul>";
        }
        html += "</section>\n";
    }
    return html + publications_section(store) + plan_documents(store, inputs);
}

std::string confirm_publish_content(LocalStore& store, const std::string& level_name,
                                    const PageInputs& inputs) {
    const auto level = standards::parse_level(level_name);
    if (!level || *level == Level::none) {
        fail(ErrorCode::invalid_argument,
             "choose a level to publish at on the Publish page: Approaching Standards, "
             "Standards Met or Standards Exceeded");
    }
    const auto whose = whose_assessment(store);
    if (whose.headquarters && whose.site_code.empty()) {
        fail(ErrorCode::failed_precondition,
             "a head office publishes for each site: choose a site with Show at the top of the "
             "page, then publish from its Publish page");
    }
    const auto key = std::string(standards::to_string(*level));
    const auto name = std::string(standards::display_name(*level));
    std::string html =
        "<section class=\"card\" aria-labelledby=\"confirm-heading\"><h2 "
        "id=\"confirm-heading\">Publish at " +
        escape(name) +
        "?</h2>\n<dl class=\"summary\" id=\"publish-summary\"><dt>Level</dt><dd "
        "id=\"confirm-level\">" +
        escape(name) + "</dd><dt>Organisation</dt><dd>" + escape(whose.organisation) +
        "</dd><dt>Sites</dt><dd id=\"confirm-sites\">" +
        escape(whose.site.empty() ? std::string("this organisation") : whose.site) +
        "</dd><dt>Year</dt><dd id=\"confirm-year\">" + escape(store.info().year) +
        "</dd></dl>\n<p id=\"confirm-public\"><strong>Once published, this becomes "
        "public:</strong> "
        "anyone can see the level, the year and the date on the public register, and it cannot "
        "be withdrawn from this screen.</p>\n";
    if (const auto earlier =
            republishes(store, *level,
                        whose.scope.empty() ? std::vector<std::string>{}
                                            : std::vector<std::string>{whose.scope},
                        Date::today())) {
        html += "<p id=\"confirm-republish\">This republishes: " +
                escape(describe_republish(*earlier)) + ".</p>\n";
    }
    html += "<form method=\"post\" action=\"/publish\">" + csrf_field(inputs.csrf) +
            "<input type=\"hidden\" name=\"level\" value=\"" + key +
            "\"><input type=\"hidden\" name=\"confirmed\" value=\"yes\"><button "
            "type=\"submit\" id=\"confirm-publish\">Yes, publish at " +
            escape(name) +
            "</button> <a href=\"/publish\" id=\"cancel-publish\">No, go back</a></form>"
            "</section>\n";
    return html;
}

std::string export_content(LocalStore& store) {
    return "<p>The answers spreadsheet holds one row per item of the " + escape(store.info().year) +
           " toolkit with its answer, comment, evidence file names and action plan: the "
           "responses only, never the content of evidence.</p><p><a id=\"export-xlsx\" "
           "href=\"/export/answers.xlsx\" download>Download the spreadsheet (.xlsx)</a></p>";
}

}  // namespace dspt::client::ui
