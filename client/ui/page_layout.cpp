#include "client/ui/page_layout.hpp"

#include "common/standards/pack.hpp"

namespace dspt::client::ui {

namespace {

// Readable on a small laptop, large click targets, a visible focus ring for
// keyboard use, and no external resource.
constexpr std::string_view kStyle = R"css(
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1b;background:#f4f5f6}
a{color:#004b9b}
a:focus,button:focus,input:focus,textarea:focus,select:focus{outline:3px solid #ffb81c;outline-offset:1px}
header.top{background:#004b9b;color:#fff;padding:.6rem 1rem}
header.top a{color:#fff}
header.top .org,header.top .site{font-weight:600}
header.top .switcher{display:inline-block;margin:0 0 0 1rem}
header.top .switcher label{display:inline;margin:0;font-weight:400}
header.top .switcher select{font:inherit;width:auto}
dl.summary{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}
dl.summary dt{font-weight:600}
dl.summary dd{margin:0}
header.top .switcher button{margin-top:0;padding:.1rem .6rem}
a.skip{position:absolute;left:-10000px;top:0;background:#ffb81c;color:#1d1d1b;padding:.4rem .8rem}
a.skip:focus{left:0;z-index:10}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
nav.main ul{list-style:none;margin:0;padding:.4rem 1rem;display:flex;flex-wrap:wrap;gap:.3rem .9rem;background:#e8edf4}
nav.main a[aria-current=page]{font-weight:700;text-decoration:none;color:#1d1d1b}
nav.main .number{font-weight:600}
.held-back{margin-top:.6rem}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.4rem 0 1rem}
h2{font-size:1.25rem;margin:1.2rem 0 .5rem}
.flash{padding:.7rem 1rem;border-left:6px solid #007f3b;background:#e6f4ea;margin-bottom:1rem}
.flash.error{border-color:#d5281b;background:#fbe9e7}
.card{background:#fff;border:1px solid #d8dde0;border-radius:4px;padding:1rem;margin-bottom:1rem}
.meter{margin:.4rem 0 .9rem}
.meter progress{width:100%;height:1.2rem}
.badge{display:inline-block;font-size:.8rem;padding:0 .4rem;border-radius:3px;background:#e8edf4;margin-right:.3rem}
.state-satisfied{background:#d2ecd9}
.state-answered{background:#fff3c4}
.state-unanswered{background:#f0f0f0}
.item h2{font-size:1.1rem}
.item .guidance{color:#4c6272}
label{display:block;font-weight:600;margin-top:.6rem}
input[type=text],input[type=date],textarea{width:100%;max-width:40rem;font:inherit;padding:.35rem;border:2px solid #4c6272;border-radius:3px}
textarea{min-height:4rem}
fieldset{border:0;padding:0;margin:.4rem 0}
fieldset label{display:inline;font-weight:400;margin-right:1rem}
button{font:inherit;padding:.4rem .9rem;border:0;border-radius:3px;background:#007f3b;color:#fff;cursor:pointer;margin-top:.6rem}
button.secondary{background:#4c6272}
button.danger{background:#d5281b}
ul.evidence{padding-left:1.2rem}
.plan{border-top:1px dashed #aeb7bd;margin-top:1rem;padding-top:.5rem}
.upload-progress{width:100%;max-width:40rem}
.reasons li{margin:.2rem 0}
main:has(#only-missing:checked) .item.not-missing{display:none}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #d8dde0;vertical-align:top}
@media (max-width:40rem){main{padding:.5rem}h1{font-size:1.3rem}}
)css";

std::string nav_entry(const PageFrame& frame, std::string_view key, std::string_view href,
                      std::string_view label) {
    std::string entry = "<li><a href=\"";
    entry += href;
    entry += '"';
    if (frame.current == key) {
        entry += " aria-current=\"page\"";
    }
    entry += '>';
    entry += label;
    entry += "</a></li>";
    return entry;
}

}  // namespace

std::string render_page(const PageFrame& frame, std::string_view content) {
    std::string page = html::head(frame.title + " - DSPT", kStyle);
    if (!frame.head_extra.empty()) {
        // html::head ends with the opening of the body; the extra goes before it.
        const auto body = page.rfind("</head>");
        page.insert(body == std::string::npos ? page.size() : body, frame.head_extra);
    }
    page +=
        "<a class=\"skip\" href=\"#content\">Skip to content</a>\n<header class=\"top\"><span "
        "class=\"org\" id=\"organisation\">";
    page +=
        escape(frame.organisation.empty() ? std::string("This organisation") : frame.organisation);
    page += "</span>";
    if (!frame.site.empty()) {
        page += " &middot; <span class=\"site\" id=\"site\">" + escape(frame.site) + "</span>";
    }
    page += ", DSPT " + escape(frame.year) + " &middot; ";
    page += frame.pending == 0
                ? std::string("everything synced")
                : std::to_string(frame.pending) + (frame.pending == 1 ? " change" : " changes") +
                      " waiting to sync";
    page += frame.switcher;
    page += "</header>\n<nav class=\"main\" aria-label=\"Pages\"><ul>";
    page += nav_entry(frame, "overview", "/", "Overview");
    for (int standard = 1; standard <= 10; ++standard) {
        const auto number = std::to_string(standard);
        page += nav_entry(frame, "standard-" + number, "/standard/" + number,
                          "<span class=\"number\">" + number + "</span> " +
                              escape(standards::standard_name(standard)));
    }
    page +=
        nav_entry(frame, "conflicts", "/conflicts",
                  "Conflicts" + (frame.conflicts > 0 ? " (" + std::to_string(frame.conflicts) + ")"
                                                     : std::string()));
    page += nav_entry(frame, "publish", "/publish", "Publish");
    page += nav_entry(frame, "export", "/export", "Export");
    page += "</ul></nav>\n<main id=\"content\">\n<h1>" + escape(frame.title) + "</h1>\n";
    if (!frame.flash.text.empty()) {
        page += frame.flash.error ? "<div class=\"flash error\" role=\"alert\" id=\"flash\">"
                                  : "<div class=\"flash\" role=\"status\" id=\"flash\">";
        page += escape(frame.flash.text) + "</div>\n";
    }
    page += content;
    page += "</main>\n<script src=\"/ui.js\"></script>\n</body>\n</html>\n";
    return page;
}

std::string csrf_field(std::string_view csrf) {
    return "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(csrf) + "\">";
}

std::string progress_bar(std::string_view id, std::string_view label, std::size_t done,
                         std::size_t total) {
    const auto text = std::to_string(done) + " of " + std::to_string(total);
    std::string bar = "<div class=\"meter\"><label for=\"" + escape(id) + "\">" + escape(label) +
                      ": <span class=\"count\">" + text + "</span> mandatory items</label>";
    bar += "<progress id=\"" + escape(id) + "\" max=\"" + std::to_string(total == 0 ? 1 : total) +
           "\" value=\"" + std::to_string(done) + "\">" + text + "</progress></div>\n";
    return bar;
}

std::string upload_form(std::string_view action, std::string_view input_id, std::string_view back,
                        std::string_view csrf, std::uint64_t max_bytes) {
    const auto limit = std::to_string(max_bytes >> 20) + " MB";
    const auto id = escape(input_id);
    return "<form class=\"upload\" method=\"post\" enctype=\"multipart/form-data\" action=\"" +
           escape(action) + "\" data-limit=\"" + std::to_string(max_bytes) +
           "\" data-limit-text=\"" + limit + "\" data-back=\"" + escape(back) + "\">" +
           csrf_field(csrf) + "<label for=\"" + id + "\">Attach a document (up to " + limit +
           ")</label><input type=\"file\" id=\"" + id +
           "\" name=\"file\" required> <button type=\"submit\">Attach</button>"
           "<progress class=\"upload-progress\" hidden max=\"1\" value=\"0\"></progress>"
           "<p class=\"upload-status\" role=\"status\" aria-live=\"polite\"></p></form>";
}

std::string_view upload_script() {
    // Sends an upload form with XMLHttpRequest so its progress shows; without
    // the script the form still posts as a normal form.
    return R"js("use strict";
document.querySelectorAll("form.upload").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    var input = form.querySelector("input[type=file]");
    var bar = form.querySelector("progress");
    var status = form.querySelector(".upload-status");
    if (!input || !input.files.length || !window.XMLHttpRequest) { return; }
    var limit = Number(form.dataset.limit || 0);
    if (limit && input.files[0].size > limit) {
      event.preventDefault();
      status.textContent = "This file is larger than the " + form.dataset.limitText +
        " limit, so it was not added.";
      return;
    }
    event.preventDefault();
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-Requested-With", "dspt-ui");
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.hidden = false;
        bar.max = e.total;
        bar.value = e.loaded;
        status.textContent = "Uploading: " + Math.round(100 * e.loaded / e.total) + "%";
      }
    });
    request.addEventListener("load", function () {
      if (request.status === 200) {
        var target = new URL(request.responseText.trim() || form.dataset.back, location.href);
        if (target.pathname === location.pathname && target.search === location.search) {
          location.hash = target.hash;
          location.reload();
        } else {
          location.assign(target.href);
        }
      } else {
        status.textContent = request.responseText.trim() ||
          ("The upload was refused (" + request.status + ").");
      }
    });
    request.addEventListener("error", function () {
      status.textContent = "The upload did not finish; nothing was added. Try again.";
    });
    status.textContent = "Uploading…";
    request.send(new FormData(form));
  });
});
)js";
}

}  // namespace dspt::client::ui
