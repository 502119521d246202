#include "common/standards/loader.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/standards/json_lines.hpp"
#include "common/standards/validation.hpp"
#include "common/text.hpp"

namespace dspt::standards {

namespace {

using nlohmann::json;

constexpr std::int64_t kFormat = 1;
constexpr std::string_view kPackKeys[] = {"format", "year", "version", "opens", "items"};
constexpr std::string_view kItemKeys[] = {"id",      "standard",    "title", "question", "type",
                                          "comment", "approaching", "met",   "source"};

bool contains(const auto& names, std::string_view name) {
    return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

// A JSON value for an error message: ASCII only and at most about 60 bytes.
std::string short_dump(const json& value) {
    std::string text = value.dump(-1, ' ', true);
    if (text.size() > 60) {
        text.resize(57);
        text += "...";
    }
    return text;
}

// How an item is named in messages: by its id when that is well formed (the
// usual case), otherwise by its position in the list.
std::string item_label(const json& value, std::size_t index) {
    if (const auto id = value.find("id");
        id != value.end() && id->is_string() && detail::parse_item_id(id->get<std::string>())) {
        return "item " + id->get<std::string>();
    }
    return "item #" + std::to_string(index + 1);
}

// The reason part of a nlohmann parse error, without its "[json.exception...]
// parse error at line L, column C: " prefix (we print our own line).
std::string parse_error_reason(const json::parse_error& e) {
    const std::string_view what = e.what();
    const auto start = what.find("parse error");
    const auto colon = what.find(": ", start == std::string_view::npos ? 0 : start);
    return std::string(colon == std::string_view::npos ? what : what.substr(colon + 2));
}

// Turns a parsed document into a Pack, failing with the line of the first
// offending value. One instance per parse.
class PackReader {
  public:
    PackReader(std::string_view text, std::string_view origin) : origin_(origin), lines_(text) {}

    Pack read(const json& doc) {
        if (const auto& dup = lines_.duplicate()) {
            fail_at(dup->line, "field " + detail::quote_for_message(dup->name) +
                                   " appears twice in the same object");
        }
        if (!doc.is_object()) {
            fail_at("", "a pack must be a JSON object");
        }
        const auto format = doc.find("format");
        if (format == doc.end()) {
            fail_at("", "missing field \"format\"");
        }
        if (!format->is_number_integer() || format->get<std::int64_t>() != kFormat) {
            fail_at("/format", "unsupported pack format " + short_dump(*format));
        }
        for (const auto& [key, value] : doc.items()) {
            if (!contains(kPackKeys, key)) {
                fail_at(detail::json_pointer_child("", key),
                        "unknown field " + detail::quote_for_message(key));
            }
        }
        Pack pack;
        pack.year = string_field(doc, "", "", "year");
        if (!detail::is_valid_year(pack.year)) {
            fail_at("/year", detail::year_problem(pack.year));
        }
        if (doc.contains("version")) {
            pack.version = string_field(doc, "", "", "version");
        }
        if (doc.contains("opens")) {
            const auto text = string_field(doc, "", "", "opens");
            pack.opens = Date::parse(text);
            if (!pack.opens) {
                fail_at("/opens", "opens " + detail::quote_for_message(text) +
                                      " is not a date of the form YYYY-MM-DD");
            }
            if (const auto problem = detail::opening_problem(pack)) {
                fail_at("/opens", *problem);
            }
        }
        const auto items = doc.find("items");
        if (items == doc.end()) {
            fail_at("", "missing field \"items\"");
        }
        if (!items->is_array() || items->empty()) {
            fail_at("/items", "field \"items\" must be a non-empty array");
        }
        std::unordered_map<std::string, std::size_t> first_line;  // id -> line
        for (std::size_t i = 0; i < items->size(); ++i) {
            pack.items.push_back(read_item((*items)[i], i));
            const std::string id_pointer =
                detail::json_pointer_child(detail::json_pointer_child("/items", i), "id");
            const auto [it, inserted] =
                first_line.emplace(pack.items.back().id, lines_.line_of(id_pointer));
            if (!inserted) {
                fail_at(id_pointer, "duplicate id " + it->first + " (first on line " +
                                        std::to_string(it->second) + ")");
            }
        }
        return pack;
    }

  private:
    [[noreturn]] void fail_at(std::size_t line, const std::string& reason) const {
        fail(ErrorCode::malformed_pack, origin_ + ":" + std::to_string(line) + ": " + reason);
    }
    [[noreturn]] void fail_at(const std::string& pointer, const std::string& reason) const {
        fail_at(lines_.line_of(pointer), reason);
    }

    // `object[name]`, which the caller has checked exists, as a string.
    std::string string_field(const json& object, const std::string& pointer,
                             const std::string& label, const std::string& name) const {
        const auto it = object.find(name);
        if (it == object.end()) {
            fail_at(pointer, label + "missing field " + detail::quote_for_message(name));
        }
        if (!it->is_string()) {
            fail_at(detail::json_pointer_child(pointer, name),
                    label + "field " + detail::quote_for_message(name) + " must be a string");
        }
        return it->get<std::string>();
    }

    bool bool_field(const json& object, const std::string& pointer, const std::string& label,
                    const std::string& name) const {
        const auto& value = object.at(name);
        if (!value.is_boolean()) {
            fail_at(detail::json_pointer_child(pointer, name),
                    label + "field " + detail::quote_for_message(name) + " must be true or false");
        }
        return value.get<bool>();
    }

    Item read_item(const json& value, std::size_t index) const {
        const std::string pointer = detail::json_pointer_child("/items", index);
        if (!value.is_object()) {
            fail_at(pointer, "item #" + std::to_string(index + 1) + " is not an object");
        }
        const std::string label = item_label(value, index) + ": ";
        for (const auto& [key, member] : value.items()) {
            if (!contains(kItemKeys, key)) {
                fail_at(detail::json_pointer_child(pointer, key),
                        label + "unknown field " + detail::quote_for_message(key));
            }
        }
        for (const auto key : kItemKeys) {
            if (key != "comment" && !value.contains(key)) {
                fail_at(pointer, label + "missing field " + detail::quote_for_message(key));
            }
        }

        Item item;
        item.id = string_field(value, pointer, label, "id");
        const auto& standard = value.at("standard");
        const auto standard_pointer = detail::json_pointer_child(pointer, "standard");
        if (!standard.is_number_integer()) {
            fail_at(standard_pointer, label + "field \"standard\" must be a whole number");
        }
        // Out-of-int values get the same message as 11 would, without overflow.
        if (standard.is_number_unsigned() ? standard.get<std::uint64_t>() > 1000
                                          : standard.get<std::int64_t>() < -1000) {
            fail_at(standard_pointer,
                    label + "standard " + short_dump(standard) + " is not between 1 and 10");
        }
        item.standard = standard.get<int>();
        item.title = string_field(value, pointer, label, "title");
        item.question = string_field(value, pointer, label, "question");
        const auto type = string_field(value, pointer, label, "type");
        const auto parsed_type = parse_answer_type(type);
        if (!parsed_type) {
            fail_at(detail::json_pointer_child(pointer, "type"),
                    label + "type " + detail::quote_for_message(type) + " is not one of " +
                        std::string(detail::answer_type_names()));
        }
        item.type = *parsed_type;
        if (value.contains("comment")) {
            item.comment = string_field(value, pointer, label, "comment");
        }
        item.mandatory_approaching = bool_field(value, pointer, label, "approaching");
        item.mandatory_met = bool_field(value, pointer, label, "met");
        const auto source = string_field(value, pointer, label, "source");
        const auto parsed_source = parse_source(source);
        if (!parsed_source) {
            fail_at(detail::json_pointer_child(pointer, "source"),
                    label + "source " + detail::quote_for_message(source) +
                        " is not one of confirmed, inferred");
        }
        item.source = *parsed_source;

        if (const auto problem = detail::check_item(item)) {
            fail_at(detail::json_pointer_child(pointer, problem->field), label + problem->message);
        }
        return item;
    }

    std::string origin_;
    detail::JsonLines lines_;
};

}  // namespace

Pack parse_pack_json(std::string_view text, std::string_view origin) {
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        // e.byte is the 1-based offset of the last character read, which is
        // where the lexer gave up.
        const std::size_t offset = e.byte == 0 ? 0 : e.byte - 1;
        fail(ErrorCode::malformed_pack, std::string(origin) + ":" +
                                            std::to_string(detail::line_at_offset(text, offset)) +
                                            ": invalid JSON: " + parse_error_reason(e));
    } catch (const json::out_of_range&) {
        // A number too large for any JSON number type the loader reads.
        fail(ErrorCode::malformed_pack,
             std::string(origin) + ": invalid JSON: a number is out of range");
    }
    Pack pack = PackReader(text, origin).read(doc);
    validate_pack(pack, origin);  // a safety net; the reader has checked everything
    return pack;
}

void validate_pack(const Pack& pack, std::string_view origin) {
    const auto fail_with = [&](const std::string& reason) {
        fail(ErrorCode::malformed_pack, std::string(origin) + ": " + reason);
    };
    if (!detail::is_valid_year(pack.year)) {
        fail_with(detail::year_problem(pack.year));
    }
    if (!is_valid_utf8(pack.version)) {
        fail_with("version is not valid UTF-8");
    }
    if (const auto problem = detail::opening_problem(pack)) {
        fail_with(*problem);
    }
    if (pack.items.empty()) {
        fail_with("the pack has no items");
    }
    std::unordered_set<std::string_view> seen;
    for (const auto& item : pack.items) {
        if (const auto problem = detail::check_item(item)) {
            const bool id_ok = detail::parse_item_id(item.id).has_value();
            fail_with("item " + (id_ok ? item.id : detail::quote_for_message(item.id)) + ": " +
                      problem->message);
        }
        if (!seen.insert(item.id).second) {
            fail_with("duplicate id " + item.id);
        }
    }
}

std::string pack_to_json(const Pack& pack) {
    validate_pack(pack, "pack " + pack.year);
    using ordered = nlohmann::ordered_json;
    ordered items = ordered::array();
    for (const auto& item : pack.items) {
        ordered out;
        out["id"] = item.id;
        out["standard"] = item.standard;
        out["title"] = item.title;
        out["question"] = item.question;
        out["type"] = to_string(item.type);
        if (!item.comment.empty()) {
            out["comment"] = item.comment;
        }
        out["approaching"] = item.mandatory_approaching;
        out["met"] = item.mandatory_met;
        out["source"] = to_string(item.source);
        items.push_back(std::move(out));
    }
    ordered doc;
    doc["format"] = kFormat;
    doc["year"] = pack.year;
    if (!pack.version.empty()) {
        doc["version"] = pack.version;
    }
    if (pack.opens) {
        doc["opens"] = pack.opens->to_string();
    }
    doc["items"] = std::move(items);
    return doc.dump(2) + "\n";
}

}  // namespace dspt::standards
