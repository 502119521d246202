#include "client/actions/answer_change.hpp"

#include <nlohmann/json.hpp>

#include "client/store/sync_state.hpp"
#include "common/error.hpp"
#include "common/text.hpp"

namespace dspt::client {

void refuse_conflicted(LocalStore& store, const standards::Item& item) {
    if (find_conflict(store, "answer/" + item.id)) {
        fail(ErrorCode::failed_precondition,
             "item " + item.id +
                 " was changed on two devices at once: see 'dspt conflicts', then choose with "
                 "'dspt resolve " +
                 item.id + " --keep REPLICA' or '--value VALUE'");
    }
}

void apply_answer_change(LocalStore& store, const AnswerChange& change, std::string_view by) {
    const auto& item = store.item(change.item);
    refuse_conflicted(store, item);
    const bool document = item.type == standards::AnswerType::document;
    if (change.clear) {
        if (change.value || change.comment || change.location) {
            fail(ErrorCode::invalid_argument, "--clear takes no value, comment or location");
        }
        store.clear_answer(item.id);
        return;
    }
    if (document && change.value) {
        fail(ErrorCode::invalid_argument,
             "item " + item.id + " is a document item: attach the file with 'dspt evidence add " +
                 item.id + " FILE', or say where it is kept with --location TEXT");
    }
    if (!document && change.location) {
        fail(ErrorCode::invalid_argument,
             "--location is for document items; item " + item.id + " is a " +
                 std::string(standards::to_string(item.type)) + " item");
    }
    const auto& raw = document ? change.location : change.value;
    if (!raw && !change.comment) {
        fail(ErrorCode::invalid_argument, "give a value for item " + item.id +
                                              (document ? " (--location TEXT)" : "") +
                                              ", a --comment, or --clear");
    }
    if (raw && trim(*raw).empty()) {
        fail(ErrorCode::invalid_argument,
             "an empty " + std::string(document ? "location" : "value") +
                 " is not an answer: to remove the answer to item " + item.id +
                 ", run 'dspt answer " + item.id + " --clear'");
    }
    std::optional<std::string_view> raw_view;
    if (raw) {
        raw_view = *raw;
    }
    std::optional<std::string_view> comment_view;
    if (change.comment) {
        comment_view = *change.comment;
    }
    store.set_answer(item.id, raw_view, comment_view, by);
}

void review_item(LocalStore& store, std::string_view item_id, std::string_view by) {
    const auto& item = store.item(item_id);
    refuse_conflicted(store, item);
    store.review(item.id, by);
}

std::string resolve_conflict(LocalStore& store, std::string_view item_id, std::string_view keep,
                             const std::optional<std::string>& value, std::string_view by) {
    if (keep.empty() == !value.has_value()) {
        fail(ErrorCode::invalid_argument, "give --keep REPLICA or --value VALUE");
    }
    const auto& item = store.item(item_id);
    const auto key = "answer/" + item.id;
    const auto conflict = find_conflict(store, key);
    if (!conflict) {
        fail(ErrorCode::failed_precondition, "item " + item.id + " has no conflict to resolve");
    }
    std::string chosen_value;
    std::string comment;
    if (value) {
        chosen_value = *value;
    } else {
        const nlohmann::json* chosen = nullptr;
        for (const auto& sibling : conflict->siblings) {
            const auto replica = sibling.value("replica_id", std::string());
            if (replica.starts_with(keep)) {
                if (chosen != nullptr) {
                    std::string message(1, '\'');
                    message += keep;
                    message += "' names more than one of the values";
                    fail(ErrorCode::invalid_argument, message);
                }
                chosen = &sibling;
            }
        }
        if (chosen == nullptr) {
            fail(ErrorCode::not_found, "no value of item " + item.id + " comes from replica '" +
                                           std::string(keep) + "': see 'dspt conflicts'");
        }
        const auto& kept = (*chosen)["value"];
        if (!kept.is_object() || !kept.contains("value") || !kept["value"].is_string()) {
            fail(ErrorCode::invalid_argument,
                 "that value removed the answer: clear it with 'dspt answer " + item.id +
                     " --clear' after resolving with --value");
        }
        chosen_value = kept["value"].get<std::string>();
        comment = kept.value("comment", std::string());
    }
    store.set_answer(item.id, chosen_value, comment, by, true);
    forget_conflict(store, key);
    return chosen_value;
}

}  // namespace dspt::client
