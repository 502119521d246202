#pragma once
// What the store keeps about publishing (README.md, "Publishing"):
//   - The publish request this store has sent without an answer yet. Its id is
//     kept until the server answers, so asking again for the same publication
//     (after a lost answer, even after dspt was restarted) sends the same id
//     and the server publishes once.
//   - The organisation's publications as the server listed them at the last
//     sync, so that readiness shown offline takes earlier publications into
//     account (no Approaching Standards after one, a same-day republish).

#include <optional>
#include <string>
#include <vector>

#include "common/assessment/publish_readiness.hpp"
#include "protocol/publish_messages.hpp"

namespace dspt::client {

class LocalStore;

struct PublishIntent {
    std::string year;
    std::string level;
    std::vector<std::string> sites;  // sorted
};

// What publishing the store's year at `level` for `sites` asks for (sites
// sorted, without repeats).
PublishIntent publish_intent(const LocalStore& store, standards::Level level,
                             std::vector<std::string> sites);

// Whether a request for `intent` was sent and its answer never arrived: asking
// again repeats that request, which the user already chose to make.
bool publish_request_pending(LocalStore& store, const PublishIntent& intent);

// The id of the unanswered request for `intent`, or a new id kept for it
// (replacing an unanswered request for something else).
std::string publish_request_id(LocalStore& store, const PublishIntent& intent);

// Forgets the unanswered request once the server has answered it.
void forget_publish_request(LocalStore& store);

// The publications known from the last sync.
struct KnownPublications {
    bool learned = false;  // false until a sync has listed them
    // Those this device sees (a branch: the ones covering its site), newest first.
    std::vector<assessment::PriorPublication> publications;
    // The organisation's newest publication, whatever sites it covers.
    std::optional<assessment::PriorPublication> last;
};

// Keeps the server's list, replacing what was known, with the digest the
// server gave it (protocol::SyncResponse; "" when not given).
void remember_publications(LocalStore& store, const protocol::PublicationList& list,
                           const std::string& digest = {});

// The digest of the list kept, as the server gave it; "" when none was given
// or the list has changed here since (remember_publication).
std::string known_publications_digest(LocalStore& store);

// Adds a publication this device just made, ahead of the next sync.
void remember_publication(LocalStore& store, const protocol::PublicationView& publication);

KnownPublications known_publications(LocalStore& store);

}  // namespace dspt::client
