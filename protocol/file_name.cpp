#include "protocol/file_name.hpp"

#include <cstdio>

#include "common/text.hpp"
#include "protocol/limits.hpp"

namespace dspt::protocol {

std::optional<std::string> file_name_problem(std::string_view name) {
    if (name.empty()) {
        return "is empty";
    }
    if (name.size() > kMaxFileNameBytes) {
        return "is " + std::to_string(name.size()) + " bytes long; the limit is " +
               std::to_string(kMaxFileNameBytes) + " bytes";
    }
    for (const char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7F) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02X", byte);
            return std::string("holds a control character (") + hex + ")";
        }
        if (c == '/' || c == '\\') {
            return std::string("holds '") + c + "', which only a path may";
        }
    }
    if (!is_valid_utf8(name)) {
        return "is not valid UTF-8";
    }
    return std::nullopt;
}

}  // namespace dspt::protocol
