#include "server/store/pg_rows.hpp"

#include <string>
#include <utility>

#include "common/error.hpp"

namespace dspt::server::store::pg_rows {

namespace {

DeviceRole read_role(const pg::Result& result, int row, int column) {
    const std::string text = result.text(row, column);
    try {
        return parse_device_role(text);
    } catch (const Error&) {
        fail(ErrorCode::corrupt, "stored device role \"" + text + "\" is unknown");
    }
}

}  // namespace

Organisation read_organisation(const pg::Result& result, int row) {
    Organisation organisation;
    organisation.ods = result.text(row, 0);
    organisation.name = result.text(row, 1);
    organisation.is_headquarters = result.boolean(row, 2);
    if (!result.is_null(row, 3)) {
        const std::string text = result.text(row, 3);
        organisation.cyber_essentials_plus_expires = Date::parse(text);
        if (!organisation.cyber_essentials_plus_expires) {
            fail(ErrorCode::corrupt, "organisation " + organisation.ods +
                                         " has a stored Cyber Essentials Plus expiry \"" + text +
                                         "\" that is not a date");
        }
    }
    organisation.created_at_ms = result.int64(row, 4);
    return organisation;
}

Site read_site(const pg::Result& result, int row) {
    return Site{result.text(row, 0), result.text(row, 1), result.text(row, 2), result.text(row, 3)};
}

Partner read_partner(const pg::Result& result, int row) {
    return Partner{result.int64(row, 0), result.text(row, 1), result.int64(row, 2)};
}

Grant read_grant(const pg::Result& result, int row) {
    Grant grant;
    grant.organisation_ods = result.text(row, 0);
    grant.partner_id = result.int64(row, 1);
    grant.partner_name = result.text(row, 2);
    grant.given_at_ms = result.int64(row, 3);
    grant.given_by_device = result.text(row, 4);
    grant.revoked_at_ms = result.optional_int64(row, 5);
    grant.revoked_by_device = result.text(row, 6);
    grant.expires_at_ms = result.optional_int64(row, 7);
    return grant;
}

Device read_device(const pg::Result& result, int row) {
    Device device;
    device.id = result.text(row, 0);
    device.role = read_role(result, row, 1);
    device.organisation_ods = result.text(row, 2);
    device.site_ods = result.text(row, 3);
    device.partner_id = result.optional_int64(row, 4);
    device.signing_public_key = result.bytes(row, 5);
    device.box_public_key = result.bytes(row, 6);
    device.name = result.text(row, 7);
    device.enrolled_at_ms = result.int64(row, 8);
    device.revoked_at_ms = result.optional_int64(row, 9);
    return device;
}

EnrolmentToken read_token(const pg::Result& result, int row) {
    EnrolmentToken token;
    token.token_id = result.text(row, 0);
    token.verifier = result.bytes(row, 1);
    token.role = read_role(result, row, 2);
    token.organisation_ods = result.text(row, 3);
    token.site_ods = result.text(row, 4);
    token.partner_id = result.optional_int64(row, 5);
    token.created_by = result.text(row, 6);
    token.created_at_ms = result.int64(row, 7);
    token.expires_at_ms = result.int64(row, 8);
    token.used_at_ms = result.optional_int64(row, 9);
    token.used_by_device = result.text(row, 10);
    token.organisation_key_envelope = result.bytes(row, 11);
    token.voided_at_ms = result.optional_int64(row, 12);
    return token;
}

std::optional<Organisation> select_organisation(pg::Connection& db, std::string_view ods,
                                                bool lock) {
    return read_first(
        db.run("SELECT " + std::string(kOrganisationColumns) +
                   " FROM organisations o WHERE o.ods = $1" + (lock ? " FOR UPDATE" : ""),
               pg::Params().text(ods)),
        read_organisation);
}

std::optional<Site> select_site(pg::Connection& db, std::string_view ods) {
    return read_first(
        db.run("SELECT " + std::string(kSiteColumns) + " FROM sites s WHERE s.ods = $1",
               pg::Params().text(ods)),
        read_site);
}

std::optional<Partner> select_partner(pg::Connection& db, std::int64_t id) {
    return read_first(
        db.run("SELECT " + std::string(kPartnerColumns) + " FROM partners p WHERE p.id = $1",
               pg::Params().int64(id)),
        read_partner);
}

std::optional<Device> select_device(pg::Connection& db, std::string_view id, bool lock) {
    return read_first(db.run("SELECT " + std::string(kDeviceColumns) +
                                 " FROM devices d WHERE d.id = $1" + (lock ? " FOR UPDATE" : ""),
                             pg::Params().text(id)),
                      read_device);
}

void require_organisation(pg::Connection& db, std::string_view ods) {
    if (db.run("SELECT 1 FROM organisations WHERE ods = $1", pg::Params().text(ods)).empty()) {
        fail(ErrorCode::not_found, "organisation " + std::string(ods) + " is not registered");
    }
}

Partner require_partner(pg::Connection& db, std::int64_t id) {
    auto partner = select_partner(db, id);
    if (!partner) {
        fail(ErrorCode::not_found, "partner " + std::to_string(id) + " is not registered");
    }
    return std::move(*partner);
}

ArrayLiteral& ArrayLiteral::add(std::string_view text) {
    if (size_++ > 0) {
        elements_ += ',';
    }
    elements_ += '"';
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            elements_ += '\\';
        }
        elements_ += c;
    }
    elements_ += '"';
    return *this;
}

ArrayLiteral& ArrayLiteral::add(std::int64_t number) {
    if (size_++ > 0) {
        elements_ += ',';
    }
    elements_ += std::to_string(number);
    return *this;
}

}  // namespace dspt::server::store::pg_rows
