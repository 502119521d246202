#pragma once
// Publishing (docs/domain.md, "Publishing"): checks who may publish which sites, reads
// the synced assessment of the year, evaluates every rule (publish_rules.hpp)
// with the same evaluator the client uses, and records an immutable
// publication, or answers with every problem found.
//
// Every change made: the request says how many changes the publishing store has
// written (last_seq); the server compares that with what it received from the
// replica the request names only when that replica is bound to the publishing
// device (it pushed as it), and otherwise counts nothing received.
//
// Idempotent: a request id already recorded returns its publication again,
// before any rule is checked, so a publish retried after a lost answer
// publishes once even though the organisation has now published.
//
// Thread-safety: as the repository; the service holds no state of its own.

#include <cstdint>

#include "protocol/publish_messages.hpp"
#include "server/store/repository.hpp"

namespace dspt::server::publish {

// A publication as the protocol carries it.
protocol::PublicationView to_view(const store::Publication& publication);

class PublishService {
  public:
    explicit PublishService(store::Repository& repository) : repository_(repository) {}

    // Publishes at `now_ms` (Unix ms, the server's clock). Throws forbidden for a
    // device or site it may not publish; invalid_argument for a malformed
    // request (an unknown level, a year the server has no standards for).
    protocol::PublishResponse publish(const store::Device& device,
                                      const protocol::PublishRequest& request, std::int64_t now_ms);

    // The device's organisation's publications, newest first (a branch's: those
    // covering its site), and the level and year of the newest of all.
    protocol::PublicationList publications(const store::Device& device) const;

  private:
    store::Repository& repository_;
};

}  // namespace dspt::server::publish
