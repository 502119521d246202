#pragma once
// What every HTML page dsptsync renders shares (the server's public register and
// dashboards, the client's local screen, `dspt ui`): escaping, and the document's
// head. Pages are plain HTML5 with their style inline, so a Content-Security-Policy
// of default-src 'none' with inline styles serves them.
//
// Pure functions, safe from any thread.

#include <string>
#include <string_view>

namespace dspt::html {

// Text with &, <, >, " and ' replaced by character references: safe as element
// text and inside a quoted attribute value.
std::string escape(std::string_view text);

// "<!DOCTYPE html>" up to and including "<body>": UTF-8, a viewport for phones,
// `title` (escaped) and `style` (a constant of the page's own, not escaped) inline.
std::string head(std::string_view title, std::string_view style);

}  // namespace dspt::html
