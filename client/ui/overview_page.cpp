// The overview: where the assessment stands, at a glance.

#include "client/format/output.hpp"
#include "client/store/publish_outlook.hpp"
#include "client/store/set_aside_changes.hpp"
#include "client/store/sync_state.hpp"
#include "client/sync/arrivals.hpp"
#include "client/ui/page_layout.hpp"
#include "client/ui/pages.hpp"
#include "client/ui/readiness_view.hpp"
#include "common/assessment/evaluator.hpp"
#include "common/standards/year.hpp"

namespace dspt::client::ui {

namespace {

std::string missing_list(LocalStore& store, const assessment::LevelProgress& progress,
                         std::string_view id, std::string_view level) {
    if (progress.missing.empty()) {
        return "<p id=\"" + escape(id) + "\">Every item " + escape(level) +
               " needs is satisfied.</p>\n";
    }
    std::string list = "<h3>Missing for " + escape(level) + "</h3>\n<ul id=\"" + escape(id) +
                       "\" class=\"missing\">";
    for (const auto& item_id : progress.missing) {
        const auto& item = store.item(item_id);
        list += "<li><a href=\"" + escape(item_link(item)) + "\">" + escape(item.id) + " " +
                escape(item.title) + "</a></li>";
    }
    return list + "</ul>\n";
}

// The standards year shown, the version open for publishing when it is
// another, a newer year with no pack here, and the days to the deadline.
std::string year_and_deadline(const LocalStore& store, Date today) {
    const auto& year = store.info().year;
    const auto packs = packs_held(store);
    const auto open = standards::open_year(packs, today);
    std::string html = "<p>Standards <span id=\"year\">" + escape(year) +
                       "</span>: <span id=\"deadline\">" +
                       escape(standards::deadline_words(year, today)) + "</span>.</p>\n";
    if (open && *open != year) {
        html += "<p id=\"open-version\">The open version is " + escape(*open) +
                ": publishing is against it only.</p>\n";
    }
    if (const auto newer = standards::newer_year_notice(packs, today)) {
        html += "<p id=\"newer-year\" class=\"guidance\">" + escape(*newer) + ".</p>\n";
    }
    return html;
}

// Whose name the changes made here carry, and the form to give another: a
// computer at reception may be used by several people in turn.
std::string author_section(const PageInputs& inputs) {
    return "<section class=\"card\" aria-labelledby=\"author-heading\"><h2 "
           "id=\"author-heading\">Your name</h2>\n<p>Answers made here show the name <strong "
           "id=\"author\">" +
           escape(inputs.author) +
           "</strong>. If someone else is answering now, give their name.</p>\n"
           "<form method=\"post\" action=\"/author\">" +
           csrf_field(inputs.csrf) +
           "<label for=\"author-name\">Name</label> <input id=\"author-name\" name=\"name\" "
           "type=\"text\" maxlength=\"200\" autocomplete=\"name\" required> <button "
           "type=\"submit\" class=\"secondary\" id=\"author-save\">Save name</button></form>"
           "</section>\n";
}

}  // namespace

std::string item_link(const standards::Item& item) {
    return "/standard/" + std::to_string(item.standard) + "#item-" + item.id;
}

std::string overview_content(LocalStore& store, const PageInputs& inputs) {
    const auto today = Date::today();
    // The same readiness as the Publish page: a conflict holds the level back here too.
    const auto ready = readiness(store, today);
    const auto& evaluation = ready.evaluation;
    const auto backlog = sync_backlog(store);
    const auto synced_at = last_sync(store);
    const auto conflicts = ready.conflicts;
    const auto set_aside = store.outbox().set_aside_entries();
    const auto to_review = store.items_to_review().size();

    std::string html =
        "<section class=\"card\" aria-labelledby=\"level-heading\">"
        "<h2 id=\"level-heading\">Level reached: <span id=\"level\">" +
        escape(ready.held_back() ? std::string("Not yet: held back by a conflict")
                                 : std::string(standards::display_name(ready.level))) +
        "</span></h2>\n";
    html += held_back_notice(ready, evaluation.level, "held-back");
    html += year_and_deadline(store, today);
    html += progress_bar("progress-approaching", "Approaching Standards",
                         evaluation.approaching.satisfied, evaluation.approaching.total);
    html += progress_bar("progress-met", "Standards Met", evaluation.met.satisfied,
                         evaluation.met.total);
    html +=
        "<p>Standards Exceeded needs Standards Met and a current Cyber Essentials Plus "
        "certificate: ";
    html += evaluation.cyber_essentials_plus_current ? "the organisation holds one."
                                                     : "the organisation has none recorded.";
    html += "</p></section>\n";

    html +=
        "<section class=\"card\" aria-labelledby=\"sync-heading\"><h2 "
        "id=\"sync-heading\">Sync</h2>\n<p>Changes waiting to sync: <strong "
        "id=\"pending\">" +
        std::to_string(backlog.changes) + "</strong>";
    if (backlog.changes > 0) {
        html += " (" + escape(human_size(backlog.bytes)) + ")";
    }
    html += "</p>\n<p>Last sync: <span id=\"last-sync\">" +
            escape(synced_at ? local_moment_text(*synced_at) : std::string("never")) +
            "</span></p>\n";
    html += "<p>Conflicts to resolve: <a id=\"conflicts\" href=\"/conflicts\">" +
            std::to_string(conflicts) + "</a></p>\n";
    if (!set_aside.empty()) {
        // Each links to its item, where answering again replaces the change.
        html +=
            "<div class=\"flash error\"><p>Refused by the server and set aside (the rest "
            "were sent): answer the item again to replace the change, or discard it, and the "
            "server's value comes back at the next sync.</p><ul id=\"set-aside\">";
        for (const auto& entry : set_aside) {
            const auto* item = entry.item.empty() ? nullptr : store.pack().find(entry.item);
            const auto text = escape(describe_set_aside(entry));
            html +=
                "<li>" +
                (item != nullptr ? "<a href=\"" + escape(item_link(*item)) + "\">" + text + "</a>"
                                 : text) +
                "<form method=\"post\" action=\"/set-aside/drop\">" + csrf_field(inputs.csrf) +
                "<input type=\"hidden\" name=\"which\" value=\"" + escape(entry.register_key) +
                "\"><button type=\"submit\" class=\"secondary\">Discard this change</button>"
                "</form></li>";
        }
        html += "</ul></div>\n";
    }
    if (to_review > 0) {
        html += "<p>" + std::to_string(to_review) +
                " item(s) carried over from last year count once you review them.</p>\n";
    }
    html += "<form method=\"post\" action=\"/sync\">" + csrf_field(inputs.csrf) +
            "<button type=\"submit\" id=\"sync-now\">Sync now</button></form>\n"
            "<p class=\"guidance\">Everything works without a connection; changes are kept on "
            "this computer until a sync sends them.</p></section>\n";

    html +=
        "<section class=\"card\" aria-labelledby=\"missing-heading\"><h2 "
        "id=\"missing-heading\">What is missing</h2>\n";
    html +=
        missing_list(store, evaluation.approaching, "missing-approaching", "Approaching Standards");
    html += missing_list(store, evaluation.met, "missing-met", "Standards Met");
    html += "</section>\n";
    return html + publications_section(store) + author_section(inputs);
}

}  // namespace dspt::client::ui
