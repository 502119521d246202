// `dspt log [ITEM]`: the history of an item's answer and action-plan entry on
// this device, newest first; without ITEM, the latest such changes across
// items. What the store keeps decides what is shown: every change made on this
// device stays in the outbox (sent or not, until 'dspt enrol --again' forgets
// the sent ones), with when, who and the value; of a
// change made on another device only the value an item holds now is kept, so
// that is listed once, as arrived by sync, with its author and time.

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/cli/command.hpp"
#include "client/cli/store_access.hpp"
#include "client/format/output.hpp"
#include "common/date.hpp"
#include "common/error.hpp"

namespace dspt::client {

namespace {

struct LogOptions {
    std::string item;
    std::size_t limit = 20;
    bool json = false;
};

struct LogLine {
    std::int64_t at_ms = 0;
    std::string item;
    std::string what;  // "answer" or "plan"
    std::string who;
    std::string device;  // "this device" or "another device"
    std::string value;   // the value in words
};

// A change's value as people read it: the answer and its comment, the plan's
// action, owner and date, or that it was removed.
std::string describe_change(const std::string& what, const nlohmann::json& payload) {
    if (payload.value("deleted", false)) {
        return what == "plan" ? "action plan entry removed" : "answer cleared";
    }
    if (what == "plan") {
        const auto due_text = payload.value("due", std::string());
        const auto due = Date::parse(due_text);
        return "action \"" + payload.value("action", std::string()) + "\", owner " +
               payload.value("owner", std::string()) + ", by " + (due ? long_date(*due) : due_text);
    }
    std::string text = payload.value("value", std::string());
    text = text.empty() ? "(empty)" : "\"" + text + "\"";
    if (const auto comment = payload.value("comment", std::string()); !comment.empty()) {
        text += ", comment \"" + comment + "\"";
    }
    return text;
}

void run_log(CommandContext& context, const LogOptions& options) {
    if (options.limit == 0) {
        fail(ErrorCode::invalid_argument, "--limit is at least 1");
    }
    auto store = open_store(context.global);
    std::string item_id;
    if (!options.item.empty()) {
        item_id = store->item(options.item).id;
    }
    const auto entries = store->outbox().item_history(store->scope(), item_id, options.limit);

    std::vector<LogLine> lines;
    // The newest local change of each item's answer: when the value the item
    // holds now is not that one, it came from another device.
    std::map<std::string, std::int64_t> latest_local_answer;
    for (const auto& entry : entries) {
        const auto slash = entry.register_key.find('/');
        LogLine line;
        line.what = entry.register_key.substr(0, slash);
        line.item = entry.register_key.substr(slash + 1);
        line.at_ms = static_cast<std::int64_t>(entry.hlc.millis());
        // A plan entry's change does not record who made it.
        line.who = entry.payload.value("answered_by", std::string());
        line.device = "this device";
        line.value = describe_change(line.what, entry.payload);
        if (line.what == "answer") {
            latest_local_answer.try_emplace(line.item, line.at_ms);
        }
        lines.push_back(std::move(line));
    }
    const auto assessment = store->assessment();
    for (const auto& [id, answer] : assessment.answers) {
        if (!item_id.empty() && id != item_id) {
            continue;
        }
        const auto local = latest_local_answer.find(id);
        if (local != latest_local_answer.end() && local->second == answer.answered_at_ms) {
            continue;
        }
        if (local == latest_local_answer.end() && item_id.empty() &&
            store->outbox().has_entry("answer/" + id)) {
            continue;  // made here, older than the changes listed
        }
        lines.push_back(
            {answer.answered_at_ms, id, "answer", answer.answered_by, "another device",
             describe_change("answer", {{"value", answer.value}, {"comment", answer.comment}})});
    }
    std::stable_sort(lines.begin(), lines.end(),
                     [](const LogLine& a, const LogLine& b) { return a.at_ms > b.at_ms; });
    if (lines.size() > options.limit) {
        lines.resize(options.limit);
    }

    if (options.json) {
        auto list = nlohmann::json::array();
        for (const auto& line : lines) {
            list.push_back({{"at", format_time_iso(line.at_ms)},
                            {"item", line.item},
                            {"change", line.what},
                            {"by", line.who},
                            {"device", line.device},
                            {"value", line.value}});
        }
        *context.out << list.dump(2) << "\n";
        return;
    }
    auto& out = *context.out;
    if (lines.empty()) {
        out << (item_id.empty() ? std::string("No answer or action plan has been recorded yet.")
                                : "Item " + item_id + " has no answer or action plan entry yet.")
            << "\n";
        return;
    }
    out << (item_id.empty() ? std::string("Latest changes, newest first:")
                            : "History of item " + item_id + " (" + store->item(item_id).title +
                                  "), newest first:")
        << "\n";
    for (const auto& line : lines) {
        out << "  " << long_moment_text(line.at_ms) << "  " << line.item << " " << line.what
            << (line.who.empty() ? std::string() : " by " + line.who) << " on " << line.device
            << ": " << line.value << "\n";
    }
    if (std::any_of(lines.begin(), lines.end(),
                    [](const LogLine& line) { return line.device != "this device"; })) {
        out << "Of a change made on another device, only the value an item holds now is kept "
               "here.\n";
    }
}

}  // namespace

void add_log_command(CLI::App& app, CommandContext& context) {
    auto* log = app.add_subcommand(
        "log",
        "Show the history of an item's answer and action plan on this device, or the "
        "latest changes across items");
    auto options = std::make_shared<LogOptions>();
    log->add_option("ITEM", options->item, "The item, e.g. 1.1.1 (default: every item)");
    log->add_option("--limit", options->limit, "Show at most this many changes (default 20)");
    log->add_flag("--json", options->json, "Machine-readable output");
    on_run(log, context, [&context, options] { run_log(context, *options); });
}

}  // namespace dspt::client
