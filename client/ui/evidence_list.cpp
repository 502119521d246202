#include "client/ui/evidence_list.hpp"

#include "client/format/output.hpp"
#include "client/ui/page_layout.hpp"

namespace dspt::client::ui {

std::string evidence_list(const std::vector<EvidenceFile>& files, std::string_view list_id,
                          std::string_view scope, bool writable, std::string_view csrf) {
    if (files.empty()) {
        return {};
    }
    std::string html = "<ul class=\"evidence\" id=\"" + escape(list_id) + "\">";
    for (const auto& file : files) {
        html += "<li><a href=\"/evidence/" + escape(file.id) + "\" download>" + escape(file.name) +
                "</a> (" + escape(human_size(file.size)) + ")";
        if (file.transfer == EvidenceTransfer::to_upload) {
            html += " <span class=\"badge\">waiting to sync</span>";
        } else if (file.transfer == EvidenceTransfer::downloading) {
            html += " <span class=\"badge\">still downloading</span>";
        }
        if (writable && file.scope == scope) {
            html += " <form method=\"post\" action=\"/evidence/" + escape(file.id) +
                    "/remove\" style=\"display:inline\">" + csrf_field(csrf) +
                    "<button type=\"submit\" class=\"danger\" aria-label=\"Remove " +
                    escape(file.name) + "\">Remove</button></form>";
        }
        html += "</li>";
    }
    return html + "</ul>";
}

}  // namespace dspt::client::ui
