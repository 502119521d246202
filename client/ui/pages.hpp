#pragma once
// The pages of the local screen (`dspt ui`), each rendered from the store as
// it is now: the content inside the page frame (page_layout.hpp). Forms post
// to the routes of screen_routes.cpp and carry the session's anti-forgery
// value. Every text from the store is escaped.

#include <cstdint>
#include <optional>
#include <string>

#include "client/store/local_store.hpp"
#include "client/ui/page_layout.hpp"
#include "protocol/publish_messages.hpp"

namespace dspt::client::ui {

struct PageInputs {
    std::string csrf;
    std::uint64_t max_upload_bytes = 0;
    // The server's answer to the last publish asked from this screen.
    std::optional<protocol::PublishResponse> last_publish;
    // The message the last action on one item left, shown in that item's
    // section instead of at the top of the page; `notice_item` is "" when none.
    std::string notice_item;
    Flash notice;
    // The name the changes made on this screen are recorded under.
    std::string author;
};

// The level reached, a bar per level, the missing mandatory items as links,
// changes waiting, the last sync, conflicts and the Sync now button.
std::string overview_content(LocalStore& store, const PageInputs& inputs);

// Every item of standard `standard` (1 to 10) with its answer form, evidence
// and, where not satisfied, its action-plan entry.
std::string standard_content(LocalStore& store, int standard, const PageInputs& inputs);

// Each item changed on two devices at once, with every value and the buttons
// to keep one or write a new one.
std::string conflicts_content(LocalStore& store, const PageInputs& inputs);

// The levels the assessment can be published at now, every reason for the
// others, the publish buttons and the server's last answer.
std::string publish_content(LocalStore& store, const PageInputs& inputs);

// What publishing at `level` (approaching, met or exceeded) would publish:
// the level, the organisation, the sites and the year, that it becomes public,
// and the button that publishes.
std::string confirm_publish_content(LocalStore& store, const std::string& level,
                                    const PageInputs& inputs);

// The answers spreadsheet to download.
std::string export_content(LocalStore& store);

// Where an item's section is: "/standard/N#item-ID".
std::string item_link(const standards::Item& item);

// A date typed in a form field, "DD/MM/YYYY" (or "YYYY-MM-DD"), as the store
// keeps it: "YYYY-MM-DD". Error(ErrorCode::invalid_argument) naming `what`
// ("the date of 7.2.1") and the form wanted otherwise.
std::string form_date(std::string_view typed, std::string_view what);

}  // namespace dspt::client::ui
