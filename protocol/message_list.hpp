#pragma once
// Every message type, for code that must handle each one (the codec's explicit
// instantiations, tests, the fuzzer). A new message is added here too.

#include <tuple>

#include "protocol/messages.hpp"
#include "protocol/partner_messages.hpp"
#include "protocol/progress_messages.hpp"
#include "protocol/publish_messages.hpp"
#include "protocol/session_messages.hpp"
#include "protocol/sync_messages.hpp"
#include "protocol/web_messages.hpp"

namespace dspt::protocol {

using AllMessages =
    std::tuple<EnrolRequest, EnrolResponse, Identity, InviteRequest, InviteResponse, InviteView,
               InviteList, KeyEnvelope, SiteInfo, OrganisationView, GrantRequest, GrantView,
               GrantList, PushRequest, PushResponse, PullResponse, BlobStatus, SyncRequest,
               SyncResponse, PublishRequest, PublishResponse, PublicationList, SyncHealth,
               ProgressReport, WebLoginLink, SessionRequest, SessionOffer, PartnerGroupRequest,
               PartnerSummary>;

}  // namespace dspt::protocol
