#include "common/form_encoding.hpp"

#include <algorithm>
#include <utility>

#include "common/error.hpp"

namespace dspt {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// %XX escapes decoded, and '+' as a space when `plus_is_space`.
std::string decode(std::string_view raw, bool plus_is_space, const char* malformed) {
    std::string decoded;
    decoded.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '+' && plus_is_space) {
            decoded += ' ';
        } else if (raw[i] != '%') {
            decoded += raw[i];
        } else {
            const int high = i + 2 < raw.size() ? hex_value(raw[i + 1]) : -1;
            const int low = high >= 0 ? hex_value(raw[i + 2]) : -1;
            if (low < 0) {
                fail(ErrorCode::invalid_argument, malformed);
            }
            decoded += static_cast<char>(high * 16 + low);
            i += 2;
        }
    }
    return decoded;
}

}  // namespace

std::string form_decode(std::string_view raw) {
    return decode(raw, true, "the query has a malformed %-escape");
}

std::string percent_decode(std::string_view raw) {
    return decode(raw, false, "malformed percent-encoding in the request target");
}

std::vector<std::string> path_segments(std::string_view path) {
    std::vector<std::string> parts;
    std::size_t start = path.starts_with('/') ? 1 : 0;
    while (true) {
        const auto end = path.find('/', start);
        parts.push_back(
            percent_decode(path.substr(start, end == std::string_view::npos ? end : end - start)));
        if (end == std::string_view::npos) {
            return parts;
        }
        start = end + 1;
    }
}

FormFields parse_form(std::string_view raw) {
    FormFields form;
    std::size_t start = 0;
    while (start <= raw.size()) {
        const auto end = std::min(raw.find('&', start), raw.size());
        const auto field = raw.substr(start, end - start);
        if (!field.empty()) {
            const auto equals = field.find('=');
            form.emplace_back(form_decode(field.substr(0, equals)),
                              equals == std::string_view::npos
                                  ? std::string()
                                  : form_decode(field.substr(equals + 1)));
        }
        start = end + 1;
    }
    return form;
}

std::optional<std::string> only_field(std::string_view query, std::string_view name,
                                      std::string_view usage) {
    if (query.empty()) {
        return std::nullopt;
    }
    FormFields fields;
    try {
        fields = parse_form(query);
    } catch (const Error&) {
        fail(ErrorCode::invalid_argument, std::string(usage));
    }
    if (fields.size() != 1 || fields.front().first != name) {
        fail(ErrorCode::invalid_argument, std::string(usage));
    }
    return std::move(fields.front().second);
}

namespace {

// `text` with every byte but RFC 3986's unreserved characters %-encoded, and a
// space as '+' when `space_as_plus`.
std::string encode(std::string_view text, bool space_as_plus) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
            (byte >= '0' && byte <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
            out += c;
        } else if (c == ' ' && space_as_plus) {
            out += '+';
        } else {
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0x0F];
        }
    }
    return out;
}

}  // namespace

std::string form_encode(std::string_view text) {
    return encode(text, true);
}

std::string percent_encode(std::string_view text) {
    return encode(text, false);
}

}  // namespace dspt
