#pragma once
// Header values built from data (a file's name, a code from the database)
// go through here, so no byte of the data can end the header or start
// another: CR, LF and every other control character are replaced. The
// server's last guard stays (exchange.cpp answers 500 rather than send a
// handler's invalid header), but a page built here never meets it.
//
// Pure functions.

#include <string>
#include <string_view>

namespace dspt::http {

// `text` with every control character (0x00-0x1F but tab, and 0x7F)
// replaced by '_'; safe as a header value.
std::string header_safe(std::string_view text);

enum class Disposition { inline_shown, attachment };

// Content-Disposition for a file called `file_name` (UTF-8): a quoted ASCII
// fallback (control characters, '"', '\' and non-ASCII bytes as '_') and the
// exact name as filename* (RFC 6266, RFC 8187).
std::string content_disposition(Disposition disposition, std::string_view file_name);

}  // namespace dspt::http
