#pragma once
// multipart/form-data (RFC 7578), as a browser posts a form with a file: the
// local screen's evidence upload. The whole body is in memory already (the
// HTTP layer bounds its size); parts are views into it, so a file is not
// copied. Anything malformed is ErrorCode::invalid_argument.

#include <string>
#include <string_view>
#include <vector>

namespace dspt::client::ui {

struct FormPart {
    std::string name;       // the form field's name
    std::string file_name;  // "" for a field that is not a file
    std::string_view data;  // into the body given to parse_multipart
};

// The boundary from a Content-Type header such as
// "multipart/form-data; boundary=----x"; "" when it is not multipart/form-data.
std::string multipart_boundary(std::string_view content_type);

std::vector<FormPart> parse_multipart(std::string_view body, std::string_view boundary);

}  // namespace dspt::client::ui
