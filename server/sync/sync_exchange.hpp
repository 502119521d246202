#pragma once
// POST /v1/sync: one exchange of a sync (docs/sync.md, "One exchange"). It
// answers what the separate endpoints answer, through the same services and
// with the same authorisation, in one request:
//
//   1. the push of the request's entries (SyncService::push; none: no push),
//      before the page is read, so the page holds this batch as it landed;
//   2. the next page after `since` (SyncService::pull);
//   3. the chunks held of each evidence id listed (BlobService::status);
//   4. the publication list (PublishService::publications) when its digest
//      differs from the one the device sent;
//   5. for a headquarters device, its organisation's sites
//      (OrganisationService::organisation, after AccessPolicy::require_organisation
//      with Access::read_progress, as GET /v1/orgs/<ods>) when their digest differs;
//   6. the device's sync health (ProgressService::record_health), recorded
//      as what is left after this batch:
//        pending_changes = reported pending_changes - the batch's entries,
//        pending_bytes   = reported pending_bytes - the batch's payload bytes,
//        oldest_pending_age_ms = as reported,
//        finished        = nothing is left (pending_changes 0) and the page is
//                          the last (`more` false);
//      each count at least 0, and bytes and age 0 when nothing is left.
//      The report replaces the device's earlier one, and a finished one is
//      the device's last sync, as with POST /v1/sync/health. When the push is
//      refused as a whole (an error answer), the figures are recorded as
//      reported, not finished, and the error is answered.
//
// A partner device, which does not sync, is forbidden before anything is read.
//
// Thread-safety: as the services; the exchange holds only references.

#include <cstdint>
#include <string>

#include "protocol/sync_messages.hpp"
#include "server/auth/access_policy.hpp"
#include "server/progress/progress_service.hpp"
#include "server/publish/publish_service.hpp"
#include "server/registry/organisation_service.hpp"
#include "server/store/model.hpp"
#include "server/sync/blob_service.hpp"
#include "server/sync/sync_service.hpp"

namespace dspt::server::sync {

// The digest the exchange gives a list by: the lower-hex BLAKE2b-128 of the
// list's encoded message, so a device compares it without decoding anything.
std::string list_digest(const protocol::PublicationList& publications);
std::string list_digest(const protocol::OrganisationView& organisation);

class SyncExchange {
  public:
    SyncExchange(SyncService& sync, const BlobService& blobs,
                 const publish::PublishService& publishing,
                 const registry::OrganisationService& organisations,
                 progress::ProgressService& progress, const auth::AccessPolicy& policy)
        : sync_(sync),
          blobs_(blobs),
          publishing_(publishing),
          organisations_(organisations),
          progress_(progress),
          policy_(policy) {}

    // `now_ms`: the server's clock, for the health report. Takes the request by
    // value: its entries move into the push.
    protocol::SyncResponse exchange(const store::Device& device, protocol::SyncRequest request,
                                    std::int64_t now_ms);

  private:
    SyncService& sync_;
    const BlobService& blobs_;
    const publish::PublishService& publishing_;
    const registry::OrganisationService& organisations_;
    progress::ProgressService& progress_;
    const auth::AccessPolicy& policy_;
};

}  // namespace dspt::server::sync
