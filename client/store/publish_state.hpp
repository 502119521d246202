#pragma once
// The publish request this store has sent without an answer yet. Its id is
// kept until the server answers, so asking again for the same publication
// (after a lost answer, even after dspt was restarted) sends the same id and
// the server publishes once (README.md, "Publishing").

#include <string>
#include <vector>

namespace dspt::client {

class LocalStore;

struct PublishIntent {
    std::string year;
    std::string level;
    std::vector<std::string> sites;  // sorted
};

// The id of the unanswered request for `intent`, or a new id kept for it
// (replacing an unanswered request for something else).
std::string publish_request_id(LocalStore& store, const PublishIntent& intent);

// Forgets the unanswered request once the server has answered it.
void forget_publish_request(LocalStore& store);

}  // namespace dspt::client
