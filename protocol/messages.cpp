#include "protocol/messages.hpp"

#include <string>

#include "common/error.hpp"
#include "protocol/progress_messages.hpp"
#include "protocol/publish_messages.hpp"
#include "protocol/session_messages.hpp"
#include "protocol/sync_messages.hpp"
#include "protocol/web_messages.hpp"

namespace dspt::protocol {

void detail::check_list_length(std::string_view what, std::size_t count, std::size_t max) {
    if (count > max) {
        fail(ErrorCode::limit_exceeded, std::string(what) + " holds " + std::to_string(count) +
                                            " elements; a message carries at most " +
                                            std::to_string(max));
    }
}

std::string_view to_string(Role role) noexcept {
    switch (role) {
        case Role::branch:
            return "branch";
        case Role::headquarters:
            return "headquarters";
        case Role::partner:
            return "partner";
    }
    return "";
}

Role parse_role(std::string_view text) {
    for (const Role role : {Role::branch, Role::headquarters, Role::partner}) {
        if (text == to_string(role)) {
            return role;
        }
    }
    fail(ErrorCode::invalid_argument,
         "unknown role '" + std::string(text) + "' (expected branch, headquarters or partner)");
}

std::string_view to_string(MessageType type) noexcept {
    switch (type) {
        case MessageType::enrol_request:
            return EnrolRequest::kName;
        case MessageType::enrol_response:
            return EnrolResponse::kName;
        case MessageType::identity:
            return Identity::kName;
        case MessageType::invite_request:
            return InviteRequest::kName;
        case MessageType::invite_response:
            return InviteResponse::kName;
        case MessageType::invite_view:
            return InviteView::kName;
        case MessageType::invite_list:
            return InviteList::kName;
        case MessageType::session_request:
            return SessionRequest::kName;
        case MessageType::session_offer:
            return SessionOffer::kName;
        case MessageType::key_envelope:
            return KeyEnvelope::kName;
        case MessageType::site_info:
            return SiteInfo::kName;
        case MessageType::organisation_view:
            return OrganisationView::kName;
        case MessageType::grant_request:
            return GrantRequest::kName;
        case MessageType::grant_view:
            return GrantView::kName;
        case MessageType::grant_list:
            return GrantList::kName;
        case MessageType::push_request:
            return PushRequest::kName;
        case MessageType::push_response:
            return PushResponse::kName;
        case MessageType::pull_response:
            return PullResponse::kName;
        case MessageType::blob_status:
            return BlobStatus::kName;
        case MessageType::sync_request:
            return SyncRequest::kName;
        case MessageType::sync_response:
            return SyncResponse::kName;
        case MessageType::publish_request:
            return PublishRequest::kName;
        case MessageType::publish_response:
            return PublishResponse::kName;
        case MessageType::publication_list:
            return PublicationList::kName;
        case MessageType::sync_health:
            return SyncHealth::kName;
        case MessageType::progress_report:
            return ProgressReport::kName;
        case MessageType::web_login_link:
            return WebLoginLink::kName;
        case MessageType::partner_group_request:
            return "PartnerGroupRequest";
        case MessageType::partner_summary:
            return "PartnerSummary";
    }
    return "";
}

std::string_view to_string(PushOutcome outcome) noexcept {
    switch (outcome) {
        case PushOutcome::accepted:
            return "accepted";
        case PushOutcome::duplicate:
            return "duplicate";
        case PushOutcome::unchanged:
            return "unchanged";
        case PushOutcome::conflict:
            return "conflict";
        case PushOutcome::refused:
            return "refused";
    }
    return "";
}

namespace detail {

void check_class_version(std::string_view type, std::uint32_t version, std::uint32_t current) {
    if (version < 1 || version > current) {
        fail(ErrorCode::protocol, std::string(type) + " version " + std::to_string(version) +
                                      " is not supported; this build reads 1 to " +
                                      std::to_string(current));
    }
}

PushOutcome outcome_from_wire(std::uint8_t raw) {
    const auto outcome = static_cast<PushOutcome>(raw);
    if (to_string(outcome).empty()) {
        fail(ErrorCode::protocol, "unknown push outcome value " + std::to_string(raw));
    }
    return outcome;
}

Role role_from_wire(std::uint8_t raw) {
    const auto role = static_cast<Role>(raw);
    if (to_string(role).empty()) {
        fail(ErrorCode::protocol, "unknown role value " + std::to_string(raw));
    }
    return role;
}

}  // namespace detail

}  // namespace dspt::protocol
