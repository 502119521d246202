#include "client/ui/readiness_view.hpp"

#include "client/store/publish_outlook.hpp"
#include "client/store/publish_state.hpp"
#include "client/store/sync_state.hpp"
#include "client/ui/page_layout.hpp"
#include "common/standards/year.hpp"
#include "common/text.hpp"

namespace dspt::client::ui {

namespace {

using standards::Level;

bool answers_reach(const assessment::Evaluation& evaluation, Level level) {
    switch (level) {
        case Level::none:
            return true;
        case Level::approaching:
            return evaluation.approaching.reached();
        case Level::met:
            return evaluation.met.reached();
        case Level::exceeded:
            return evaluation.met.reached() && evaluation.cyber_essentials_plus_current;
    }
    return false;
}

std::string count_of_items(std::size_t count) {
    return count == 1 ? std::string("1 item") : std::to_string(count) + " items";
}

// Each register in conflict as a reason not to publish, in the screen's words:
// the item, and where to settle it. Every conflict blocks every level, as
// assessment::publication_problems has it.
std::vector<assessment::PublishProblem> conflict_problems(LocalStore& store) {
    std::vector<assessment::PublishProblem> problems;
    for (const auto& conflict : open_conflicts(store)) {
        const auto& key = conflict.register_key;
        const auto slash = key.find('/');
        const auto kind = key.substr(0, slash);
        const auto rest = slash == std::string::npos ? std::string() : key.substr(slash + 1);
        const auto* item = rest.empty() ? nullptr : store.pack().find(rest);
        std::string what = item != nullptr     ? item->title
                           : kind == "profile" ? std::string("The organisation profile")
                                               : std::string("An evidence file");
        if (item != nullptr && kind == "plan") {
            what += " (action plan)";
        }
        problems.push_back({store.scope(), item == nullptr ? "" : item->id,
                            what + " was changed on two devices at once: choose the value to keep "
                                   "on the Conflicts page, then press Sync now"});
    }
    return problems;
}

}  // namespace

std::string without_command_hints(std::string message) {
    for (auto at = message.find(" (dspt "); at != std::string::npos;
         at = message.find(" (dspt ", at)) {
        const auto end = message.find(')', at);
        if (end == std::string::npos) {
            break;
        }
        message.erase(at, end + 1 - at);
    }
    return message;
}

Readiness readiness(LocalStore& store, Date today) {
    Readiness ready;
    ready.evaluation = assessment::evaluate(store.pack(), store.assessment(), today);
    const auto conflicts = conflict_problems(store);
    ready.conflicts = conflicts.size();
    ready.level = ready.conflicts > 0 ? Level::none : ready.evaluation.level;
    for (const auto level : {Level::approaching, Level::met, Level::exceeded}) {
        auto problems = local_publication_problems(store, level, today, false);
        for (auto& problem : problems) {
            problem.message = without_command_hints(std::move(problem.message));
        }
        problems.insert(problems.begin(), conflicts.begin(), conflicts.end());
        ready.levels.push_back(
            {level, std::move(problems), answers_reach(ready.evaluation, level)});
    }
    return ready;
}

std::string held_back_notice(const Readiness& readiness, Level level, std::string_view id) {
    // Said of the level the answers reach, where the conflict is what stops it.
    if (readiness.conflicts == 0 || level != readiness.evaluation.level || level == Level::none) {
        return {};
    }
    const bool one = readiness.conflicts == 1;
    return "<p class=\"held-back flash error\" id=\"" + escape(id) + "\">The answers reach " +
           escape(standards::display_name(level)) + ", but " + count_of_items(readiness.conflicts) +
           (one ? " changed on two devices holds it" : " changed on two devices hold it") +
           " back until " + (one ? "it is" : "they are") +
           " resolved: choose the value to keep on the <a href=\"/conflicts\">Conflicts</a> "
           "page, then press Sync now.</p>\n";
}

std::string publications_section(LocalStore& store) {
    const auto known = known_publications(store);
    const auto today = Date::today();
    std::string html =
        "<section class=\"card\" aria-labelledby=\"publications-heading\"><h2 "
        "id=\"publications-heading\">Publications</h2>\n";
    if (!known.learned && known.publications.empty()) {
        return html +
               "<p id=\"publications-none\">Not known yet: the publications are listed after "
               "the next sync.</p></section>\n";
    }
    if (known.publications.empty()) {
        return html + "<p id=\"publications-none\">Nothing published yet.</p></section>\n";
    }
    html +=
        "<table id=\"publications\"><thead><tr><th scope=\"col\">Level</th><th "
        "scope=\"col\">Year</th><th scope=\"col\">Published</th><th scope=\"col\">Sites</th><th "
        "scope=\"col\">Status</th></tr></thead><tbody>";
    bool certificate = false;
    for (const auto& publication : known.publications) {
        const bool lapsed = standards::publication_lapsed(publication.published, today);
        html += "<tr><td>" + escape(standards::display_name(publication.level)) + "</td><td>" +
                escape(publication.year) + "</td><td>" + escape(long_date(publication.published)) +
                "</td><td>" + escape(joined(publication.sites)) + "</td><td>" +
                (lapsed ? "lapsed" : "current") + "</td></tr>";
        certificate = certificate ||
                      (!lapsed && publication.year == store.info().year &&
                       (publication.level == Level::met || publication.level == Level::exceeded));
    }
    html += "</tbody></table>\n";
    if (certificate) {
        html +=
            "<p><a id=\"certificate\" href=\"/certificate.pdf\">Download the certificate "
            "(PDF)</a> (needs a connection to the server).</p>\n";
    }
    return html +
           "<p class=\"guidance\">Publications are public: anyone can see them on the public "
           "register.</p></section>\n";
}

}  // namespace dspt::client::ui
