#pragma once
// The limits the server puts on one change (protocol/limits.hpp), checked where
// the change is made, so that a change the store records is one the server
// takes. Every check throws Error(ErrorCode::limit_exceeded) with a message
// naming what is too large, its size and the limit, e.g. "the comment is
// 122,880 bytes; the limit is 65,536 bytes".
//
// A server may be set to a lower value limit than the protocol's; a change over
// it is refused when it is sent and set aside (outbox.hpp).
//
// Thread-safety: pure functions.

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace dspt::client {

// "122,880": a count with its thousands grouped, as messages show sizes.
std::string grouped_count(std::size_t count);

// Checks a change's value (the outbox payload) of `register_key` ("answer/1.1.1"):
// its JSON text within protocol::kMaxChangeValueBytes, and its author
// ("answered_by") within protocol::kMaxAuthorBytes. The message names the
// largest text field (the comment, the action, ...).
void check_change_value(std::string_view register_key, const nlohmann::json& payload);

// Checks one text field before a change is built from it, so a form or a
// command can name the field: `field` is "comment", "action", ...
void check_field_size(std::string_view field, std::string_view text, std::size_t limit);

// Checks an evidence file's name: its size (protocol::kMaxFileNameBytes),
// then what protocol::file_name_problem refuses (invalid_argument).
void check_file_name(std::string_view name);

}  // namespace dspt::client
