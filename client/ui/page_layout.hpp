#pragma once
// What every page of the local screen (`dspt ui`) shares: the document around
// the page's own content, with the organisation and the site being edited,
// the year, a headquarters' site switcher, the navigation (overview, the ten
// standards by number and name, conflicts, publish, export), the message the
// last action left, the style, and the small script for uploads. Everything printed from
// the store or a request goes through html::escape.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/html.hpp"

namespace dspt::client::ui {

struct Flash {
    bool error = false;
    std::string text;  // "" when there is nothing to say
};

struct PageFrame {
    std::string title;         // the page's heading, e.g. "Standard 1: Personal Confidential Data"
    std::string organisation;  // whose assessment: the organisation's name, may be empty
    std::string site;          // the assessment shown: "Site VA002", may be empty
    std::string switcher;      // a headquarters' site switcher (HTML), "" on other devices
    std::string year;          // "2025-26"
    std::string current;       // the navigation entry to mark: "overview", "standard-3", ...
    std::size_t conflicts = 0;
    std::size_t pending = 0;  // changes waiting to sync
    Flash flash;
    // Added to the head: e.g. a refresh for a page that follows a sync.
    std::string head_extra;
};

// The whole page: `content` is already HTML.
std::string render_page(const PageFrame& frame, std::string_view content);

// A hidden field carrying the session's anti-forgery value.
std::string csrf_field(std::string_view csrf);

// A labelled progress bar: "Standards Met: 12 of 45".
std::string progress_bar(std::string_view id, std::string_view label, std::size_t done,
                         std::size_t total);

// A form that uploads one file to `action` with the script's progress bar:
// "Attach a document (up to 100 MB)". `back` is where the page goes once the
// file is in; a file over `max_bytes` is refused before it is sent.
std::string upload_form(std::string_view action, std::string_view input_id, std::string_view back,
                        std::string_view csrf, std::uint64_t max_bytes);

// The small script served at /ui.js: uploads with a progress bar.
std::string_view upload_script();

using html::escape;

}  // namespace dspt::client::ui
