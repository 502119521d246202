// The conflicts page: an item changed on two devices at once keeps every
// value until a person chooses; here they see each with its author and time.

#include "client/format/output.hpp"
#include "client/store/sync_state.hpp"
#include "client/ui/page_layout.hpp"
#include "client/ui/pages.hpp"
#include "common/clock/hybrid_clock.hpp"

namespace dspt::client::ui {

namespace {

std::string sibling_row(const standards::Item& item, const nlohmann::json& sibling,
                        const PageInputs& inputs) {
    const auto& value = sibling["value"];
    const bool has_value =
        value.is_object() && value.contains("value") && value["value"].is_string();
    const auto replica = sibling.value("replica_id", std::string());
    const auto hlc = sibling.value("hlc", std::uint64_t{0});
    std::string row =
        "<tr><td class=\"value\">" + (has_value ? escape(value["value"].get<std::string>())
                                                : std::string("<em>answer removed</em>"));
    if (has_value && value.contains("comment") && value["comment"].is_string() &&
        !value["comment"].get<std::string>().empty()) {
        row += "<br><span class=\"guidance\">" + escape(value["comment"].get<std::string>()) +
               "</span>";
    }
    row +=
        "</td><td>" + escape(sibling.value("author", std::string("?"))) + "</td><td>" +
        escape(hlc == 0 ? std::string("?")
                        : format_time(static_cast<std::int64_t>(HlcTime::from_raw(hlc).millis()))) +
        "</td><td>";
    if (has_value) {
        row += "<form method=\"post\" action=\"/item/" + escape(item.id) + "/resolve\">" +
               csrf_field(inputs.csrf) + "<input type=\"hidden\" name=\"keep\" value=\"" +
               escape(replica) + "\"><button type=\"submit\" aria-label=\"Keep " +
               escape(value["value"].get<std::string>()) + " by " +
               escape(sibling.value("author", std::string("?"))) + "\">Keep this</button></form>";
    }
    return row + "</td></tr>";
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
            html += "<section class=\"card\"><h2>" + escape(key) +
                    "</h2><p>Settle this one with the command line: dspt conflicts, dspt "
                    "resolve.</p></section>\n";
            continue;
        }
        html += "<section class=\"card conflict\" id=\"conflict-" + escape(item->id) +
                "\" aria-labelledby=\"conflict-title-" + escape(item->id) +
                "\"><h2 "
                "id=\"conflict-title-" +
                escape(item->id) + "\"><a href=\"" + escape(item_link(*item)) + "\">" +
                escape(item->id) + " " + escape(item->title) +
                "</a></h2><table><thead><tr><th>Value</th><th>By</th><th>When</th><th><span "
                "class=\"visually-hidden\">Choose</span></th></tr></thead><tbody>";
        for (const auto& sibling : conflict.siblings) {
            html += sibling_row(*item, sibling, inputs);
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
