#include "http/header_values.hpp"

#include "common/form_encoding.hpp"

namespace dspt::http {

namespace {

bool is_control(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t') || byte == 0x7F;
}

}  // namespace

std::string header_safe(std::string_view text) {
    std::string safe(text);
    for (char& c : safe) {
        if (is_control(c)) {
            c = '_';
        }
    }
    return safe;
}

std::string content_disposition(Disposition disposition, std::string_view file_name) {
    std::string ascii;
    for (const char c : file_name) {
        const auto byte = static_cast<unsigned char>(c);
        ascii += (byte < 0x20 || byte >= 0x7F || c == '"' || c == '\\') ? '_' : c;
    }
    std::string value = disposition == Disposition::attachment ? "attachment" : "inline";
    value += "; filename=\"";
    value += ascii;
    value += '"';
    if (ascii != file_name) {
        value += "; filename*=UTF-8''";
        value += percent_encode(file_name);
    }
    return value;
}

}  // namespace dspt::http
