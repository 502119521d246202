#pragma once
// What every server-rendered HTML page shares (the public register's search page,
// the signed-in dashboards): escaping, and the document's head. Pages are plain
// HTML5 with their style inline and no script, so a Content-Security-Policy of
// default-src 'none' with inline styles serves them.
//
// Pure functions, safe from any thread.

#include <string>
#include <string_view>

namespace dspt::server::web {

// Text with &, <, >, " and ' replaced by character references: safe as element
// text and inside a quoted attribute value.
std::string html_escape(std::string_view text);

// "<!DOCTYPE html>" up to and including "<body>": UTF-8, a viewport for phones,
// `title` (escaped) and `style` (a constant of the page's own, not escaped) inline.
std::string html_head(std::string_view title, std::string_view style);

}  // namespace dspt::server::web
