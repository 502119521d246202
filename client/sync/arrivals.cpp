#include "client/sync/arrivals.hpp"

namespace dspt::client {

std::string arrival_author(const ArrivedChange& change) {
    return change.author.empty() ? "device " + change.replica_id.substr(0, 8) : change.author;
}

std::string arrival_subject(const ArrivedChange& change) {
    const auto slash = change.register_key.find('/');
    const auto kind = change.register_key.substr(0, slash);
    // Headquarters hears of every site's changes: name the site.
    const auto site = change.site.empty() ? std::string() : "site " + change.site + ": ";
    if (change.item_id.empty()) {
        return site + kind + ": " + change.register_key.substr(slash + 1);
    }
    auto text = site + change.item_id + (change.title.empty() ? "" : " " + change.title);
    if (kind == "plan") {
        text += " (action plan)";
    } else if (kind == "evidence") {
        text += " (evidence file)";
    }
    return text;
}

}  // namespace dspt::client
