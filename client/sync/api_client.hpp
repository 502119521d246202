#pragma once
// The server's API as the client sees it: each call builds the request,
// authenticates it as the device (all but enrol: in a request session, or
// signed; request_session.hpp), sends it through a
// Transport, and decodes the answer. An error answer becomes a dspt::Error
// with the server's code and message, so `dspt` reports "device revoked" or
// "forbidden" exactly as the server said it.

#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>

#include "client/sync/request_session.hpp"
#include "client/sync/transport.hpp"
#include "common/clock/hybrid_clock.hpp"
#include "common/crypto/bytes.hpp"
#include "common/crypto/signer.hpp"
#include "protocol/messages.hpp"
#include "protocol/partner_messages.hpp"
#include "protocol/progress_messages.hpp"
#include "protocol/publish_messages.hpp"
#include "protocol/sync_messages.hpp"
#include "protocol/web_messages.hpp"

namespace dspt::client {

class ApiClient {
  public:
    // An unsigned client: only enrol() works.
    explicit ApiClient(Transport& transport) : transport_(transport) {}

    // A client that authenticates every request as `device_id` with `signing`,
    // which must outlive it, timestamped by `wall` (the system clock, or a
    // simulated one in tests), in request sessions (request_session.hpp): kept
    // between runs in `keep` when given (it must outlive this), else opened on
    // the second call and kept for this client's life.
    ApiClient(Transport& transport, std::string device_id, const crypto::SigningKeyPair& signing,
              HybridClock::WallClock wall = &HybridClock::system_millis,
              SessionKeep* keep = nullptr)
        : transport_(transport),
          session_(std::make_unique<RequestSession>(transport, std::move(device_id), signing,
                                                    std::move(wall), keep)) {}

    protocol::EnrolResponse enrol(const protocol::EnrolRequest& request);
    protocol::Identity whoami();
    protocol::InviteResponse invite(const protocol::InviteRequest& request);
    protocol::InviteList invites();
    protocol::InviteView cancel_invite(const std::string& token_id);
    void put_recovery(const protocol::KeyEnvelope& envelope);
    protocol::KeyEnvelope recovery();
    protocol::OrganisationView organisation(const std::string& ods);
    protocol::SiteInfo site(const std::string& ods);
    // `until`: the grant's last day, "YYYY-MM-DD"; "" until revoked.
    protocol::GrantView give_grant(const std::string& organisation_ods,
                                   const std::string& partner_name, const std::string& until);
    protocol::GrantView revoke_grant(const std::string& organisation_ods,
                                     const std::string& partner_name);
    protocol::GrantList grants(const std::string& organisation_ods);
    // On a partner device: the grants in force to its partner.
    protocol::GrantList partner_grants();
    protocol::PushResponse push(const protocol::PushRequest& request);
    protocol::PullResponse pull(std::int64_t since);
    // One sync exchange (POST /v1/sync): a push, a page, health and what else
    // a sync asks, in one request.
    protocol::SyncResponse exchange(const protocol::SyncRequest& request);

    // Evidence chunks: which the server holds, and each one's sealed bytes.
    // `scope` is the site ("" organisation-wide) the file belongs to.
    protocol::BlobStatus blob_status(const std::string& evidence_id);
    // The chunk's bytes move into the request; `sealed_hash`, when given, is
    // protocol::request_body_hash(sealed), worked out ahead.
    void put_blob_chunk(const std::string& evidence_id, std::uint32_t index,
                        const std::string& scope, std::string sealed, std::string sealed_hash = {});
    std::string blob_chunk(const std::string& evidence_id, std::uint32_t index);

    // Evidence chunks two at a time. With a side lane, put_blob_chunk_aside() sends
    // a chunk on a second connection, made by `make` when first needed and kept
    // for this client's life, while the caller sends the next on this client's
    // own: the server stores one chunk while the other travels. Only an
    // authenticated client has one.
    void set_side_lane(std::function<std::unique_ptr<Transport>()> make);
    bool has_side_lane() const noexcept { return session_ && make_side_; }

    // A chunk on its way on the side lane.
    class PendingChunk {
      public:
        // Whether its answer is here (wait() then returns at once).
        bool ready() const;
        // Its outcome as put_blob_chunk() would give it: returns when the server
        // stored the chunk, throws what put_blob_chunk() throws otherwise. A
        // server that no longer holds the session gets the chunk again, here.
        void wait();

      private:
        friend class ApiClient;
        ApiClient* api_ = nullptr;
        // Shared with the sending thread until its answer is here.
        std::shared_ptr<RequestSession::Stamped> stamped_;
        std::future<HttpResponse> answer_;
    };
    // Starts put_blob_chunk() on the side lane: authenticated here, sent and
    // waited for on a thread of its own. Needs has_side_lane(). The caller may
    // use this client meanwhile, but must call wait() before another aside and
    // before this client is destroyed.
    PendingChunk put_blob_chunk_aside(const std::string& evidence_id, std::uint32_t index,
                                      const std::string& scope, std::string sealed,
                                      std::string sealed_hash = {});

    // Sync health, reported at the start and the end of every sync.
    void sync_health(const protocol::SyncHealth& health);
    // Progress of the organisation's sites in `year` (a branch: its own site),
    // and of every organisation granting this partner device access.
    protocol::ProgressReport progress(const std::string& organisation_ods, const std::string& year);
    protocol::ProgressReport partner_progress(const std::string& year);
    // On a partner device: the summary across the organisations granting access, and
    // the partner's own label for one of them ("" removes it).
    protocol::PartnerSummary partner_summary(const std::string& year);
    void set_partner_group(const std::string& organisation_ods, const std::string& label);

    // Publishing: the answer says published, or every problem found.
    protocol::PublishResponse publish(const protocol::PublishRequest& request);
    protocol::PublicationList publications();
    // The certificate of the organisation's publication for `year`, as
    // "pdf" or "png" bytes.
    std::string certificate(const std::string& year, const std::string& format);

    // A single-use browser login link to the dashboard of `year`, as this device.
    protocol::WebLoginLink web_login_link(const std::string& year);

    // Sends a request (authenticated when this client has a key) and returns the body
    // of a 2xx answer; any other status throws the server's error. Bodies are
    // protocol messages unless `content_type` says otherwise.
    std::string call(const std::string& method, const std::string& target, std::string body = {},
                     const std::string& content_type = "application/x-dspt");

    // How many answers so far moved something: a pushed batch, a page with
    // changes, an evidence chunk stored or fetched. A sync that fails after
    // moving something made progress (retry.hpp).
    std::uint64_t moved() const noexcept { return moved_; }

  private:
    // call() for a request already built; `body_hash` as RequestSession::send.
    std::string send(HttpRequest request, std::string body_hash = {});

    // The request put_blob_chunk() sends.
    static HttpRequest blob_chunk_request(const std::string& evidence_id, std::uint32_t index,
                                          const std::string& scope, std::string sealed);

    Transport& transport_;
    std::unique_ptr<RequestSession> session_;  // none for an unsigned client
    std::function<std::unique_ptr<Transport>()> make_side_;
    std::unique_ptr<Transport> side_;  // the side lane's connection, once made
    std::uint64_t moved_ = 0;
};

}  // namespace dspt::client
