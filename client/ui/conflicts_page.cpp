// The conflicts page: an item changed on two devices at once keeps every
// value until a person chooses; here they see each with the person and the
// device that wrote it and when, this device's own value marked.

#include "client/format/output.hpp"
#include "client/store/conflict_values.hpp"
#include "client/store/profile_fields.hpp"
#include "client/ui/page_layout.hpp"
#include "client/ui/pages.hpp"

namespace dspt::client::ui {

namespace {

std::string value_row(const standards::Item& item, const ConflictValue& value,
                      const PageInputs& inputs) {
    std::string row =
        "<tr" + std::string(value.this_device ? " class=\"this-device\"" : "") +
        "><td class=\"value\">" +
        (value.removed ? std::string("<em>answer removed</em>") : escape(value.value));
    if (!value.comment.empty()) {
        row += "<br><span class=\"guidance\">" + escape(value.comment) + "</span>";
    }
    const auto who = value.author.empty() ? std::string("Someone") : value.author;
    row += "</td><td>" + escape(who) + "</td><td class=\"device\">" +
           (value.this_device ? std::string("<strong>This device</strong>")
                              : escape(value.device_label())) +
           "</td><td>" +
           escape(value.at_ms == 0 ? std::string("not known") : local_moment_text(value.at_ms)) +
           "</td><td>";
    if (!value.removed) {
        row += "<form method=\"post\" action=\"/item/" + escape(item.id) + "/resolve\">" +
               csrf_field(inputs.csrf) + "<input type=\"hidden\" name=\"keep\" value=\"" +
               escape(value.replica_id) + "\"><button type=\"submit\" aria-label=\"Keep " +
               escape(value.value) + " by " + escape(who) + " on " + escape(value.device_label()) +
               "\">Keep this</button></form>";
    }
    return row + "</td></tr>";
}

// What a conflict that is not an answer's is about, in words: the action plan
// entry or an evidence file of an item, or a fact of the organisation profile.
std::string subject_of(LocalStore& store, const std::string& key) {
    const auto slash = key.find('/');
    const auto kind = key.substr(0, slash);
    const auto rest = slash == std::string::npos ? std::string() : key.substr(slash + 1);
    if (kind == "plan") {
        if (const auto* item = store.pack().find(rest)) {
            return "The action plan entry for " + item->id + " " + item->title;
        }
    }
    if (kind == "profile") {
        if (const auto* field = find_profile_text_field(rest)) {
            return "The organisation profile's " + std::string(field->label);
        }
        return "A fact of the organisation profile";
    }
    if (kind == "evidence") {
        return "An evidence file";
    }
    return "A change";
}

}  // namespace

std::string conflicts_content(LocalStore& store, const PageInputs& inputs) {
    const auto conflicts = open_conflicts(store);
    if (conflicts.empty()) {
        return "<p id=\"no-conflicts\">No conflicts: every item has one value on every device.</p>";
    }
    std::string html =
        "<p>These were changed on two devices before either synced. Nothing was "
        "lost: choose the value to keep, or write a new one. Every device shows "
        "your choice after its next sync.</p>\n";
    for (const auto& conflict : conflicts) {
        const auto& key = conflict.register_key;
        const auto* item = key.starts_with("answer/") ? store.pack().find(key.substr(7)) : nullptr;
        if (item == nullptr) {
            html += "<section class=\"card conflict\"><h2>" + escape(subject_of(store, key)) +
                    "</h2><p>It was changed on two devices before either synced. Change it "
                    "again on one device: that value replaces both on every device after the "
                    "next sync.</p></section>\n";
            continue;
        }
        html += "<section class=\"card conflict\" id=\"conflict-" + escape(item->id) +
                "\" aria-labelledby=\"conflict-title-" + escape(item->id) +
                "\"><h2 "
                "id=\"conflict-title-" +
                escape(item->id) + "\"><a href=\"" + escape(item_link(*item)) + "\">" +
                escape(item->id) + " " + escape(item->title) +
                "</a></h2><table><thead><tr><th>Value</th><th>By</th><th>Device</th><th>When</"
                "th><th><span class=\"visually-hidden\">Choose</span></th></tr></thead><tbody>";
        for (const auto& value : conflict_values(conflict, store.info().replica_id)) {
            html += value_row(*item, value, inputs);
        }
        const auto value_id = "resolve-value-" + escape(item->id);
        html += "</tbody></table><form method=\"post\" action=\"/item/" + escape(item->id) +
                "/resolve\">" + csrf_field(inputs.csrf) + "<label for=\"" + value_id +
                "\">Or write a new value</label><input type=\"text\" id=\"" + value_id +
                "\" name=\"value\" required><button type=\"submit\">Use this value</button>"
                "</form></section>\n";
    }
    return html;
}

}  // namespace dspt::client::ui
