#include "server/store/sqlite_rows.hpp"

#include <string>
#include <utility>

#include "common/error.hpp"

namespace dspt::server::store::rows {

namespace {

DeviceRole read_role(const sqlite::Statement& row, int index) {
    const std::string text = row.column_text(index);
    try {
        return parse_device_role(text);
    } catch (const Error&) {
        // Only a bug or an edit outside dsptsync gets past the CHECK constraint.
        fail(ErrorCode::corrupt, "stored device role \"" + text + "\" is unknown");
    }
}

}  // namespace

void bind_text_or_null(sqlite::Statement& statement, int index, std::string_view text) {
    if (text.empty()) {
        statement.bind(index, nullptr);
    } else {
        statement.bind(index, text);
    }
}

std::optional<std::int64_t> optional_int64(const sqlite::Statement& row, int index) {
    if (row.column_is_null(index)) {
        return std::nullopt;
    }
    return row.column_int64(index);
}

Organisation read_organisation(const sqlite::Statement& row) {
    Organisation organisation;
    organisation.ods = row.column_text(0);
    organisation.name = row.column_text(1);
    organisation.is_headquarters = row.column_int64(2) != 0;
    if (!row.column_is_null(3)) {
        const std::string text = row.column_text(3);
        organisation.cyber_essentials_plus_expires = Date::parse(text);
        if (!organisation.cyber_essentials_plus_expires) {
            fail(ErrorCode::corrupt, "organisation " + organisation.ods +
                                         " has a stored Cyber Essentials Plus expiry \"" + text +
                                         "\" that is not a date");
        }
    }
    organisation.created_at_ms = row.column_int64(4);
    return organisation;
}

Site read_site(const sqlite::Statement& row) {
    return Site{row.column_text(0), row.column_text(1), row.column_text(2), row.column_text(3)};
}

Partner read_partner(const sqlite::Statement& row) {
    return Partner{row.column_int64(0), row.column_text(1), row.column_int64(2)};
}

Grant read_grant(const sqlite::Statement& row) {
    Grant grant;
    grant.organisation_ods = row.column_text(0);
    grant.partner_id = row.column_int64(1);
    grant.partner_name = row.column_text(2);
    grant.given_at_ms = row.column_int64(3);
    grant.given_by_device = row.column_text(4);
    grant.revoked_at_ms = optional_int64(row, 5);
    grant.revoked_by_device = row.column_text(6);
    grant.expires_at_ms = optional_int64(row, 7);
    return grant;
}

Device read_device(const sqlite::Statement& row) {
    Device device;
    device.id = row.column_text(0);
    device.role = read_role(row, 1);
    device.organisation_ods = row.column_text(2);
    device.site_ods = row.column_text(3);
    device.partner_id = optional_int64(row, 4);
    device.signing_public_key = row.column_blob(5);
    device.box_public_key = row.column_blob(6);
    device.name = row.column_text(7);
    device.enrolled_at_ms = row.column_int64(8);
    device.revoked_at_ms = optional_int64(row, 9);
    return device;
}

EnrolmentToken read_token(const sqlite::Statement& row) {
    EnrolmentToken token;
    token.token_id = row.column_text(0);
    token.verifier = row.column_blob(1);
    token.role = read_role(row, 2);
    token.organisation_ods = row.column_text(3);
    token.site_ods = row.column_text(4);
    token.partner_id = optional_int64(row, 5);
    token.created_by = row.column_text(6);
    token.created_at_ms = row.column_int64(7);
    token.expires_at_ms = row.column_int64(8);
    token.used_at_ms = optional_int64(row, 9);
    token.used_by_device = row.column_text(10);
    token.organisation_key_envelope = row.column_blob(11);
    token.voided_at_ms = optional_int64(row, 12);
    return token;
}

namespace {

// Runs `SELECT <columns> FROM <from> WHERE <key> = ?1` and reads at most one row.
template <typename Key, typename ReadRow>
auto select_one(sqlite::Database& db, std::string_view columns, std::string_view from_where,
                const Key& key, ReadRow read_row)
    -> std::optional<decltype(read_row(std::declval<sqlite::Statement&>()))> {
    sqlite::Statement select(db, "SELECT " + std::string(columns) + " " + std::string(from_where));
    select.bind(1, key);
    if (!select.step()) {
        return std::nullopt;
    }
    return read_row(select);
}

}  // namespace

std::optional<Organisation> select_organisation(sqlite::Database& db, std::string_view ods) {
    return select_one(db, kOrganisationColumns, "FROM organisations o WHERE o.ods = ?1", ods,
                      read_organisation);
}

std::optional<Site> select_site(sqlite::Database& db, std::string_view ods) {
    return select_one(db, kSiteColumns, "FROM sites s WHERE s.ods = ?1", ods, read_site);
}

std::optional<Partner> select_partner(sqlite::Database& db, std::int64_t id) {
    return select_one(db, kPartnerColumns, "FROM partners p WHERE p.id = ?1", id, read_partner);
}

std::optional<Device> select_device(sqlite::Database& db, std::string_view id) {
    return select_one(db, kDeviceColumns, "FROM devices d WHERE d.id = ?1", id, read_device);
}

void require_organisation(sqlite::Database& db, std::string_view ods) {
    sqlite::Statement select(db, "SELECT 1 FROM organisations WHERE ods = ?1");
    select.bind(1, ods);
    if (!select.step()) {
        fail(ErrorCode::not_found, "organisation " + std::string(ods) + " is not registered");
    }
}

Partner require_partner(sqlite::Database& db, std::int64_t id) {
    auto partner = select_partner(db, id);
    if (!partner) {
        fail(ErrorCode::not_found, "partner " + std::to_string(id) + " is not registered");
    }
    return std::move(*partner);
}

}  // namespace dspt::server::store::rows
