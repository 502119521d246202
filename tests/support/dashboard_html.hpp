#pragma once
// Reading the signed-in dashboard's HTML (server/web/dashboard_page.hpp) in tests:
// a site's row and one of its cells, found by the classes the page gives them.

#include <string>

namespace dspt::test {

// The <tr class="site"> whose site cell carries `code`, or "" when none does.
inline std::string site_row(const std::string& html, const std::string& code) {
    std::string marker = "<span class=\"code\">";
    marker += code;
    marker += "</span>";
    const auto at = html.find(marker);
    const auto start = at == std::string::npos ? at : html.rfind("<tr class=\"site\">", at);
    if (start == std::string::npos) {
        return {};
    }
    return html.substr(start, html.find("</tr>", at) - start);
}

// The content of the row's cell whose class starts with `css_class`, or "" when
// there is none.
inline std::string cell(const std::string& row, const std::string& css_class) {
    std::string marker = "class=\"";
    marker += css_class;
    const auto at = row.find(marker);
    if (at == std::string::npos) {
        return {};
    }
    const auto start = row.find('>', at) + 1;
    return row.substr(start, row.find("</td>", start) - start);
}

}  // namespace dspt::test
