#include "client/store/conflict_values.hpp"

#include "common/clock/hybrid_clock.hpp"

namespace dspt::client {

namespace {

// The text under `key`, "" when there is none or it is not text: a value from
// another device is shown, never trusted to be well formed.
std::string text_in(const nlohmann::json& object, const char* key) {
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

}  // namespace

std::string ConflictValue::device_label() const {
    if (this_device) {
        return "this device";
    }
    return device_name.empty() ? std::string("another device") : device_name;
}

std::vector<ConflictValue> conflict_values(const ConflictRecord& conflict,
                                           std::string_view own_replica) {
    std::vector<ConflictValue> values;
    if (!conflict.siblings.is_array()) {
        return values;
    }
    for (const auto& sibling : conflict.siblings) {
        if (!sibling.is_object()) {
            continue;
        }
        ConflictValue out;
        out.replica_id = text_in(sibling, "replica_id");
        out.author = text_in(sibling, "author");
        out.device_name = text_in(sibling, "device");
        out.this_device = !out.replica_id.empty() && out.replica_id == own_replica;
        const auto found_hlc = sibling.find("hlc");
        const auto hlc = found_hlc != sibling.end() && found_hlc->is_number_unsigned()
                             ? found_hlc->get<std::uint64_t>()
                             : std::uint64_t{0};
        out.at_ms = hlc == 0 ? 0 : static_cast<std::int64_t>(HlcTime::from_raw(hlc).millis());
        const auto found = sibling.find("value");
        const bool has_value = found != sibling.end() && found->is_object() &&
                               found->contains("value") && (*found)["value"].is_string();
        out.removed = !has_value;
        if (has_value) {
            out.value = (*found)["value"].get<std::string>();
            out.comment = text_in(*found, "comment");
        }
        values.push_back(std::move(out));
    }
    return values;
}

}  // namespace dspt::client
