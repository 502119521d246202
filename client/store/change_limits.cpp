#include "client/store/change_limits.hpp"

#include "common/error.hpp"
#include "protocol/file_name.hpp"
#include "protocol/limits.hpp"

namespace dspt::client {

namespace {

// What people call a register's kind in a message: "answer/1.1.1" -> "answer".
std::string kind_of(std::string_view register_key) {
    const auto kind = register_key.substr(0, register_key.find('/'));
    if (kind == "plan") {
        return "action plan entry";
    }
    if (kind == "evidence") {
        return "evidence file's record";
    }
    if (kind == "profile") {
        return "profile field";
    }
    return std::string(kind);
}

[[noreturn]] void too_large(std::string_view what, std::size_t size, std::size_t limit,
                            std::string_view after = {}) {
    fail(ErrorCode::limit_exceeded, "the " + std::string(what) + " is " + grouped_count(size) +
                                        " bytes; the limit is " + grouped_count(limit) + " bytes" +
                                        std::string(after));
}

}  // namespace

std::string grouped_count(std::size_t count) {
    auto digits = std::to_string(count);
    for (auto at = digits.size(); at > 3; at -= 3) {
        digits.insert(at - 3, 1, ',');
    }
    return digits;
}

void check_field_size(std::string_view field, std::string_view text, std::size_t limit) {
    if (text.size() > limit) {
        too_large(field, text.size(), limit);
    }
}

void check_change_value(std::string_view register_key, const nlohmann::json& payload) {
    if (const auto by = payload.find("answered_by"); by != payload.end() && by->is_string()) {
        check_field_size("name of who answered", by->get_ref<const std::string&>(),
                         protocol::kMaxAuthorBytes);
    }
    const auto size = payload.dump().size();
    if (size <= protocol::kMaxChangeValueBytes) {
        return;
    }
    // Name the field that takes most of it, when it alone breaks the limit.
    std::string largest;
    std::size_t largest_size = 0;
    for (const auto& [name, value] : payload.items()) {
        if (value.is_string() && value.get_ref<const std::string&>().size() > largest_size) {
            largest = name;
            largest_size = value.get_ref<const std::string&>().size();
        }
    }
    const auto kind = kind_of(register_key);
    if (largest_size > protocol::kMaxChangeValueBytes) {
        too_large(largest, largest_size, protocol::kMaxChangeValueBytes, " for a whole " + kind);
    }
    too_large(kind + " with its " + largest, size, protocol::kMaxChangeValueBytes);
}

void check_file_name(std::string_view name) {
    check_field_size("file name", name, protocol::kMaxFileNameBytes);
    if (const auto problem = protocol::file_name_problem(name)) {
        fail(ErrorCode::invalid_argument,
             "the file name " + *problem + "; rename the file and add it again");
    }
}

}  // namespace dspt::client
