#include "client/ui/multipart_form.hpp"

#include "common/text.hpp"
#include "common/error.hpp"

namespace dspt::client::ui {

namespace {

// The value of `key` in a header's parameters ("form-data; name=\"f\"; filename=\"a.pdf\"").
std::string parameter(std::string_view header, std::string_view key) {
    const auto lowered = ascii_lower(header);
    std::size_t at = 0;
    while ((at = lowered.find(key, at)) != std::string::npos) {
        const bool starts = at == 0 || lowered[at - 1] == ' ' || lowered[at - 1] == ';';
        const auto after = at + key.size();
        if (starts && after < header.size() && header[after] == '=') {
            auto value = header.substr(after + 1);
            if (value.starts_with('"')) {
                std::string unquoted;
                for (std::size_t i = 1; i < value.size() && value[i] != '"'; ++i) {
                    if (value[i] == '\\' && i + 1 < value.size()) {
                        ++i;
                    }
                    unquoted += value[i];
                }
                return unquoted;
            }
            return std::string(value.substr(0, value.find(';')));
        }
        at = after;
    }
    return {};
}

[[noreturn]] void malformed(const std::string& what) {
    fail(ErrorCode::invalid_argument, "the uploaded form is malformed: " + what);
}

}  // namespace

std::string multipart_boundary(std::string_view content_type) {
    if (!ascii_lower(content_type).starts_with("multipart/form-data")) {
        return {};
    }
    return parameter(content_type, "boundary");
}

std::vector<FormPart> parse_multipart(std::string_view body, std::string_view boundary) {
    if (boundary.empty() || boundary.size() > 200) {
        malformed("no boundary");
    }
    const std::string delimiter = "--" + std::string(boundary);
    const std::string next = "\r\n" + delimiter;
    if (!body.starts_with(delimiter)) {
        malformed("it does not start with its boundary");
    }
    std::vector<FormPart> parts;
    std::size_t at = delimiter.size();
    for (std::size_t count = 0;; ++count) {
        if (count > 64) {
            malformed("too many parts");
        }
        if (body.substr(at).starts_with("--")) {
            return parts;  // the closing delimiter
        }
        if (!body.substr(at).starts_with("\r\n")) {
            malformed("a boundary is not followed by a line end");
        }
        at += 2;
        const auto head_end = body.find("\r\n\r\n", at);
        if (head_end == std::string_view::npos) {
            malformed("a part has no end to its headers");
        }
        FormPart part;
        const auto head = body.substr(at, head_end - at);
        std::size_t line_start = 0;
        while (line_start <= head.size()) {
            const auto line_end = std::min(head.find("\r\n", line_start), head.size());
            const auto line = head.substr(line_start, line_end - line_start);
            const auto colon = line.find(':');
            if (colon != std::string_view::npos &&
                ascii_lower(line.substr(0, colon)) == "content-disposition") {
                const auto value = line.substr(colon + 1);
                part.name = parameter(value, "name");
                part.file_name = parameter(value, "filename");
            }
            line_start = line_end + 2;
        }
        const auto data_start = head_end + 4;
        const auto data_end = body.find(next, data_start);
        if (data_end == std::string_view::npos) {
            malformed("a part is cut short");
        }
        part.data = body.substr(data_start, data_end - data_start);
        parts.push_back(std::move(part));
        at = data_end + next.size();
    }
}

}  // namespace dspt::client::ui
