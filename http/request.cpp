#include "http/request.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace dspt::http {

namespace {

// ASCII only, as header names are: no locale, and inlined (every request looks
// its headers up by name several times).
constexpr unsigned char header_char_lower(unsigned char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c + ('a' - 'A')) : c;
}

}  // namespace

// The order of std::lexicographical_compare on lowered characters, lowering each
// character once rather than once for each direction it is compared in.
bool HeaderNameLess::operator()(std::string_view a, std::string_view b) const noexcept {
    const std::size_t common = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < common; ++i) {
        const unsigned char x = header_char_lower(static_cast<unsigned char>(a[i]));
        const unsigned char y = header_char_lower(static_cast<unsigned char>(b[i]));
        if (x != y) {
            return x < y;
        }
    }
    return a.size() < b.size();
}

std::string_view Request::header(std::string_view name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string_view{} : std::string_view(it->second);
}

std::string error_body(ErrorCode code, std::string_view message) {
    const nlohmann::json body = {{"error", std::string(to_string(code))},
                                 {"message", std::string(message)}};
    // Messages may quote client input; replace bad UTF-8 rather than throw.
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response error_response(int status, ErrorCode code, std::string_view message) {
    Response response;
    response.status = status;
    response.content_type = "application/json";
    response.body = error_body(code, message);
    return response;
}

}  // namespace dspt::http
