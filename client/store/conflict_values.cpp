#include "client/store/conflict_values.hpp"

#include "common/clock/hybrid_clock.hpp"

namespace dspt::client {

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
        out.replica_id = sibling.value("replica_id", std::string());
        out.author = sibling.value("author", std::string());
        out.device_name = sibling.value("device", std::string());
        out.this_device = !out.replica_id.empty() && out.replica_id == own_replica;
        const auto hlc = sibling.value("hlc", std::uint64_t{0});
        out.at_ms = hlc == 0 ? 0 : static_cast<std::int64_t>(HlcTime::from_raw(hlc).millis());
        const auto found = sibling.find("value");
        const bool has_value = found != sibling.end() && found->is_object() &&
                               found->contains("value") && (*found)["value"].is_string();
        out.removed = !has_value;
        if (has_value) {
            out.value = (*found)["value"].get<std::string>();
            out.comment = found->value("comment", std::string());
        }
        values.push_back(std::move(out));
    }
    return values;
}

}  // namespace dspt::client
