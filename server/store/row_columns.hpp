#pragma once
// The columns each table is read with, shared by both stores' row readers
// (sqlite_rows.hpp, pg_rows.hpp), so every query of a table, on either store, reads
// it in the same order.

#include <string_view>

namespace dspt::server::store::row_columns {

inline constexpr std::string_view kOrganisationColumns =
    "o.ods, o.name, o.is_headquarters, o.cyber_essentials_plus_expires, o.created_at_ms";
inline constexpr std::string_view kSiteColumns =
    "s.ods, s.organisation_ods, s.cqc_location_id, s.name";
inline constexpr std::string_view kPartnerColumns = "p.id, p.name, p.created_at_ms";
// Reads grants g joined with partners p.
inline constexpr std::string_view kGrantColumns =
    "g.organisation_ods, g.partner_id, p.name, g.given_at_ms, g.given_by_device, "
    "g.revoked_at_ms, g.revoked_by_device, g.expires_at_ms";
inline constexpr std::string_view kDeviceColumns =
    "d.id, d.role, d.organisation_ods, d.site_ods, d.partner_id, d.signing_public_key, "
    "d.box_public_key, d.name, d.enrolled_at_ms, d.revoked_at_ms";
inline constexpr std::string_view kTokenColumns =
    "t.token_id, t.verifier, t.role, t.organisation_ods, t.site_ods, t.partner_id, "
    "t.created_by, t.created_at_ms, t.expires_at_ms, t.used_at_ms, t.used_by_device, "
    "t.organisation_key_envelope, t.voided_at_ms";

}  // namespace dspt::server::store::row_columns
