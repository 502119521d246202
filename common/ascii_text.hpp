#pragma once
// Case folding for the ASCII words of formats and protocols (CSV headers,
// "Yes"/"NO" answers, HTTP header names, multipart parameters): A-Z become
// a-z and every other byte stays, whatever the locale.

#include <string>
#include <string_view>

namespace dspt {

std::string ascii_lower(std::string_view text);

}  // namespace dspt
