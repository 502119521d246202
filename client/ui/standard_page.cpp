// A standard's page: every item with its question, guidance, answer form,
// evidence and, while it is not satisfied, its action-plan entry.

#include <algorithm>
#include <set>

#include "client/format/output.hpp"
#include "client/store/evidence_store.hpp"
#include "client/store/sync_state.hpp"
#include "client/ui/evidence_list.hpp"
#include "client/ui/page_layout.hpp"
#include "client/ui/pages.hpp"
#include "common/assessment/evaluator.hpp"
#include "common/date.hpp"
#include "common/error.hpp"
#include "protocol/limits.hpp"

namespace dspt::client::ui {

namespace {

using standards::AnswerType;

// A text field's maxlength: the largest value of one change
// (protocol/limits.hpp). The browser counts characters, the server bytes, so
// the store checks the bytes again when the form arrives and names the limit.
const std::string kMaxLength = std::to_string(protocol::kMaxChangeValueBytes);

std::string field_id(std::string_view what, const standards::Item& item) {
    return std::string(what) + "-" + item.id;
}

// A date field as people in the UK write dates: a text field taking
// DD/MM/YYYY. Chromium's <input type=date> shows the browser's own locale,
// which for many is month first whatever the page's lang says, so "10/01"
// would read as 1 October to one person and 10 January to another.
std::string date_field(const std::string& id, const std::string& name, const std::string& stored,
                       bool required) {
    const auto date = Date::parse(stored);
    const auto hint_id = id + "-hint";
    return "<span class=\"hint\" id=\"" + hint_id +
           "\">For example 07/12/2026 (day, month, year)</span><input type=\"text\" "
           "inputmode=\"numeric\" autocomplete=\"off\" class=\"date\" id=\"" +
           id + "\" name=\"" + name + "\" aria-describedby=\"" + hint_id +
           "\" placeholder=\"DD/MM/YYYY\" maxlength=\"10\"" + (required ? " required" : "") +
           " value=\"" + escape(date ? short_uk_date(*date) : stored) + "\">";
}

// The control for the item's answer type, filled with the current value.
std::string answer_control(const standards::Item& item, const std::string& value) {
    const auto id = escape(field_id("value", item));
    switch (item.type) {
        case AnswerType::confirm: {
            std::string html = "<fieldset><legend>Answer</legend>";
            for (const std::string choice : {"yes", "no"}) {
                const auto choice_id = escape(field_id(choice, item));
                html += "<input type=\"radio\" name=\"value\" id=\"" + choice_id + "\" value=\"" +
                        choice + "\"" + (value == choice ? " checked" : "") + "><label for=\"" +
                        choice_id + "\">" + (choice == "yes" ? "Yes" : "No") + "</label>";
            }
            return html + "</fieldset>";
        }
        case AnswerType::text:
            return "<label for=\"" + id + "\">Answer</label><textarea id=\"" + id +
                   "\" name=\"value\" maxlength=\"" + kMaxLength + "\">" + escape(value) +
                   "</textarea>";
        case AnswerType::date:
            return "<label for=\"" + id + "\">Date</label>" + date_field(id, "value", value, false);
        case AnswerType::document:
            return "<label for=\"" + id +
                   "\">Where the document is kept (when it is not attached below)</label>"
                   "<input type=\"text\" id=\"" +
                   id + "\" name=\"location\" maxlength=\"" + kMaxLength + "\" value=\"" +
                   escape(value) + "\">";
    }
    return {};
}

std::string evidence_section(LocalStore& store, const standards::Item& item,
                             const PageInputs& inputs, bool writable) {
    std::string html = "<h3>Evidence</h3>";
    const auto files = store.evidence().list(item.id);
    if (files.empty()) {
        html += "<p>No files attached.</p>";
    } else {
        html +=
            evidence_list(files, field_id("evidence", item), store.scope(), writable, inputs.csrf);
    }
    if (!writable) {
        return html;
    }
    const auto input_id = escape(field_id("file", item));
    const auto limit_mb = std::to_string(inputs.max_upload_bytes >> 20) + " MB";
    html +=
        "<form class=\"upload\" method=\"post\" enctype=\"multipart/form-data\" action=\"/item/" +
        escape(item.id) + "/evidence\" data-limit=\"" + std::to_string(inputs.max_upload_bytes) +
        "\" data-limit-text=\"" + limit_mb + "\" data-back=\"" + escape(item_link(item)) + "\">" +
        csrf_field(inputs.csrf) + "<label for=\"" + input_id + "\">Attach a document (up to " +
        limit_mb + ")</label><input type=\"file\" id=\"" + input_id +
        "\" name=\"file\" required> <button type=\"submit\">Attach</button>"
        "<progress class=\"upload-progress\" hidden max=\"1\" value=\"0\"></progress>"
        "<p class=\"upload-status\" role=\"status\" aria-live=\"polite\"></p></form>";
    return html;
}

std::string plan_section(const standards::Item& item, const assessment::Plan& plan,
                         const PageInputs& inputs) {
    const auto entry = plan.find(item.id);
    const bool has = entry != plan.end();
    const auto action_id = escape(field_id("plan-action", item));
    const auto owner_id = escape(field_id("plan-owner", item));
    const auto due_id = escape(field_id("plan-due", item));
    std::string html = "<div class=\"plan\"><h3>Action plan</h3>";
    html += has ? "<p>Planned: " + escape(entry->second.action) + " (" +
                      escape(entry->second.owner) + ", by " + escape(long_date(entry->second.due)) +
                      ")</p>"
                : "<p>Not satisfied yet: say what will be done, by whom and by when.</p>";
    html += "<form method=\"post\" action=\"/item/" + escape(item.id) + "/plan\">" +
            csrf_field(inputs.csrf) + "<label for=\"" + action_id +
            "\">What will be done</label><input type=\"text\" id=\"" + action_id +
            "\" name=\"action\" required maxlength=\"" + kMaxLength + "\" value=\"" +
            (has ? escape(entry->second.action) : "") + "\"><label for=\"" + owner_id +
            "\">Who will do it</label><input type=\"text\" id=\"" + owner_id +
            "\" name=\"owner\" required maxlength=\"" + kMaxLength + "\" value=\"" +
            (has ? escape(entry->second.owner) : "") + "\"><label for=\"" + due_id +
            "\">By when</label>" +
            date_field(due_id, "due", has ? entry->second.due.to_string() : std::string(), true) +
            " <button type=\"submit\">Save the plan for " + escape(item.id) + "</button></form>";
    if (has) {
        html += "<form method=\"post\" action=\"/item/" + escape(item.id) + "/plan/remove\">" +
                csrf_field(inputs.csrf) +
                "<button type=\"submit\" class=\"secondary\">Remove the plan entry</button></form>";
    }
    return html + "</div>";
}

// The item's state in the assessment as it stands here.
assessment::ItemState state_in(const standards::Item& item,
                               const assessment::Assessment& effective) {
    const auto found = effective.answers.find(item.id);
    const auto evidence_count = static_cast<std::size_t>(
        std::count_if(effective.evidence.begin(), effective.evidence.end(),
                      [&](const auto& ref) { return ref.item_id == item.id; }));
    return assessment::item_state(item, found == effective.answers.end() ? nullptr : &found->second,
                                  evidence_count);
}

// Whether the filter "Show only what is missing" keeps an item: one Standards
// Met needs (Approaching Standards' items among them) that is not satisfied,
// waits to be reviewed or holds two values.
bool is_missing(const standards::Item& item, assessment::ItemState state, bool conflicted,
                bool to_review) {
    return item.needed_for_met() &&
           (state != assessment::ItemState::satisfied || conflicted || to_review);
}

std::string item_section(LocalStore& store, const standards::Item& item,
                         const assessment::Assessment& effective, bool conflicted, bool to_review,
                         bool writable, const PageInputs& inputs) {
    const auto found = effective.answers.find(item.id);
    const auto* answer = found == effective.answers.end() ? nullptr : &found->second;
    const auto state = state_in(item, effective);
    const auto own = store.answer(item.id);
    const bool inherited = !own && answer != nullptr;

    // The item just changed stays in view with its message, filtered or not.
    const bool noticed = !inputs.notice_item.empty() && inputs.notice_item == item.id;
    const bool missing = is_missing(item, state, conflicted, to_review);
    std::string html = "<section class=\"card item" +
                       std::string(missing || noticed ? "" : " not-missing") + "\" id=\"item-" +
                       escape(item.id) + "\" aria-labelledby=\"" + escape(field_id("title", item)) +
                       "\">";
    html += "<h2 id=\"" + escape(field_id("title", item)) + "\">" + escape(item.id) + " " +
            escape(item.title) + "</h2>";
    if (noticed && !inputs.notice.text.empty()) {
        html += inputs.notice.error ? "<div class=\"flash error\" role=\"alert\" id=\"flash\">"
                                    : "<div class=\"flash\" role=\"status\" id=\"flash\">";
        html += escape(inputs.notice.text) + "</div>";
    }
    html += "<p>";
    if (item.mandatory_approaching) {
        html += "<span class=\"badge\">Needed for Approaching Standards</span>";
    }
    if (item.needed_for_met()) {
        html += "<span class=\"badge\">Needed for Standards Met</span>";
    } else {
        html += "<span class=\"badge\">Optional</span>";
    }
    html += "<span class=\"badge state-" + std::string(assessment::to_string(state)) + "\" id=\"" +
            escape(field_id("state", item)) + "\">" + std::string(assessment::to_string(state)) +
            "</span></p>";
    html += "<p class=\"question\">" + escape(item.question) + "</p>";
    if (!item.comment.empty()) {
        html += "<p class=\"guidance\">" + escape(item.comment) + "</p>";
    }
    if (inherited) {
        html += "<p>Answered for the whole organisation by head office: <strong>" +
                escape(answer->value) + "</strong>. An answer here replaces it for this site.</p>";
    }
    if (to_review) {
        html += "<form method=\"post\" action=\"/item/" + escape(item.id) + "/review\">" +
                csrf_field(inputs.csrf) +
                "<p>Carried over from last year: it counts once you review it.</p><button "
                "type=\"submit\" class=\"secondary\">Keep it as it is</button></form>";
    }
    if (conflicted) {
        html +=
            "<p class=\"flash error\">This answer was changed on two devices at once. <a "
            "href=\"/conflicts\">Choose which to keep</a> before changing it.</p>";
    } else if (writable) {
        const auto comment_id = escape(field_id("comment", item));
        html += "<form method=\"post\" action=\"/item/" + escape(item.id) + "/answer\">" +
                csrf_field(inputs.csrf) + answer_control(item, own ? own->value : "") +
                "<label for=\"" + comment_id + "\">Comment (optional)</label><textarea id=\"" +
                comment_id + "\" name=\"comment\" maxlength=\"" + kMaxLength + "\">" +
                (own ? escape(own->comment) : "") + "</textarea><button type=\"submit\" id=\"" +
                escape(field_id("save", item)) + "\">Save " + escape(item.id) + "</button></form>";
    }
    html += evidence_section(store, item, inputs, writable && !conflicted);
    if (state != assessment::ItemState::satisfied && writable) {
        html += plan_section(item, effective.plan, inputs);
    }
    return html + "</section>\n";
}

}  // namespace

std::string standard_content(LocalStore& store, int standard, const PageInputs& inputs) {
    const auto effective = store.assessment();
    const auto to_review = store.items_to_review();
    std::set<std::string> conflicted;
    for (const auto& conflict : open_conflicts(store)) {
        conflicted.insert(conflict.register_key);
    }
    bool writable = true;
    try {
        store.require_writable();
    } catch (const Error&) {
        writable = false;
    }
    std::string html;
    if (!writable) {
        html += "<p class=\"flash\">This assessment is read only here.</p>";
    }
    std::size_t shown = 0;
    std::size_t missing = 0;
    std::string items;
    for (const auto& item : store.pack().items) {
        if (item.standard != standard) {
            continue;
        }
        const bool in_conflict = conflicted.contains("answer/" + item.id);
        const bool review = to_review.contains(item.id);
        items += item_section(store, item, effective, in_conflict, review, writable, inputs);
        ++shown;
        if (is_missing(item, state_in(item, effective), in_conflict, review)) {
            ++missing;
        }
    }
    if (shown == 0) {
        return html + "<p>The " + escape(store.info().year) +
               " toolkit has no items in this standard.</p>";
    }
    // The filter is a checkbox the page's style reads (page_layout.cpp): it
    // works without script and leaves every item in the page for search.
    html +=
        "<p class=\"filter\"><label><input type=\"checkbox\" id=\"only-missing\"> "
        "Show only what is missing for Standards Met (<span "
        "id=\"missing-count\">" +
        std::to_string(missing) + "</span> of " + std::to_string(shown) + " items)</label></p>\n";
    if (missing == 0) {
        html +=
            "<p id=\"none-missing\">Nothing is missing in this standard: every item "
            "Standards Met needs is done.</p>\n";
    }
    return html + items;
}

std::string form_date(std::string_view typed, std::string_view what) {
    const auto date = parse_uk_date(typed);
    if (!date) {
        fail(ErrorCode::invalid_argument,
             std::string(what) +
                 " needs a real day written DD/MM/YYYY, for example 07/12/2026, "
                 "not \"" +
                 std::string(typed) + "\". Nothing was saved.");
    }
    return date->to_string();
}

}  // namespace dspt::client::ui
