// libFuzzer target: the local screen's multipart/form-data reader
// (client/ui/multipart_form), as `dspt ui` reads an evidence upload.
//
// Input: a Content-Type header value, a line feed, then the body. When the
// header names no boundary, the boundary "b" is used, so the body's parser
// is always reached.
//
// Properties, besides no crash and no sanitizer report:
//  - every part's data lies within the body, and there are at most 65 parts;
//  - the parts, written again as a browser would (quoting names with
//    backslash escapes) with the same boundary, read back to the same names,
//    file names and data.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client/ui/multipart_form.hpp"
#include "common/text.hpp"
#include "common/error.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace ui = dspt::client::ui;

namespace {

std::string quoted(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + "\"";
}

std::string written(const std::vector<ui::FormPart>& parts, std::string_view boundary) {
    const std::string delimiter = "--" + std::string(boundary);
    std::string body;
    for (const auto& part : parts) {
        body += delimiter + "\r\nContent-Disposition: form-data; name=" + quoted(part.name);
        if (!part.file_name.empty()) {
            body += "; filename=" + quoted(part.file_name);
        }
        body += "\r\nContent-Type: application/octet-stream\r\n\r\n";
        body += part.data;
        body += "\r\n";
    }
    return body + delimiter + "--\r\n";
}

// A value the writer above cannot carry through the reader's parameter
// search, which does not skip quoted text: a name holding "name=" (as
// "filename=") would be found inside the quotes; a line break ends the
// header line.
bool writable(std::string_view value) {
    return dspt::ascii_lower(value).find("name") == std::string::npos &&
           value.find_first_of("\r\n") == std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto line_end = input.find('\n');
    const auto content_type = input.substr(0, line_end);
    const auto body =
        line_end == std::string_view::npos ? std::string_view{} : input.substr(line_end + 1);
    std::string boundary = ui::multipart_boundary(content_type);
    if (boundary.empty()) {
        boundary = "b";
    }
    std::vector<ui::FormPart> parts;
    try {
        parts = ui::parse_multipart(body, boundary);
    } catch (const dspt::Error& e) {
        DSPT_FUZZ_CHECK(e.code() == dspt::ErrorCode::invalid_argument);
        return 0;
    }
    DSPT_FUZZ_CHECK(parts.size() <= 65);
    bool all_writable = boundary.find_first_of("\r\n") == std::string::npos;
    for (const auto& part : parts) {
        DSPT_FUZZ_CHECK(part.data.data() >= body.data() &&
                        part.data.data() + part.data.size() <= body.data() + body.size());
        all_writable = all_writable && writable(part.name) && writable(part.file_name);
    }
    if (!all_writable) {
        return 0;
    }
    const std::string again = written(parts, boundary);
    const auto reread = ui::parse_multipart(again, boundary);
    DSPT_FUZZ_CHECK(reread.size() == parts.size());
    for (std::size_t i = 0; i < parts.size(); ++i) {
        DSPT_FUZZ_CHECK(reread[i].name == parts[i].name);
        DSPT_FUZZ_CHECK(reread[i].file_name == parts[i].file_name);
        DSPT_FUZZ_CHECK(reread[i].data == parts[i].data);
    }
    return 0;
}
