// SqliteRepository: support partners and the grants organisations give them.

#include <string>

#include "common/error.hpp"
#include "protocol/limits.hpp"
#include "server/store/grant_rules.hpp"
#include "server/store/sqlite_connections.hpp"
#include "server/store/sqlite_rows.hpp"

namespace dspt::server::store {

namespace {

// The grants to partner ?1 in force at ?2: the SQL form of Grant::in_force.
constexpr std::string_view kInForceToPartner =
    " WHERE g.partner_id = ?1 AND g.revoked_at_ms IS NULL"
    " AND (g.expires_at_ms IS NULL OR g.expires_at_ms >= ?2)";

// A grant and its row id, which revoke_grant updates by.
struct GrantRow {
    std::int64_t id;
    Grant grant;
};

// The live grant, if any. The id is read after the kGrantColumns, which read_grant
// expects from column 0.
std::optional<GrantRow> select_live_grant(sqlite::Database& db, std::string_view organisation_ods,
                                          std::int64_t partner_id) {
    sqlite::Statement select(db, "SELECT " + std::string(rows::kGrantColumns) +
                                     ", g.id FROM grants g JOIN partners p ON p.id = g.partner_id"
                                     " WHERE g.organisation_ods = ?1 AND g.partner_id = ?2"
                                     " AND g.revoked_at_ms IS NULL");
    select.bind(1, organisation_ods);
    select.bind(2, partner_id);
    if (!select.step()) {
        return std::nullopt;
    }
    Grant grant = rows::read_grant(select);
    return GrantRow{select.column_int64(8), std::move(grant)};
}

void end_grant(sqlite::Database& db, std::int64_t id, std::int64_t at_ms,
               std::string_view device_id) {
    sqlite::Statement update(
        db, "UPDATE grants SET revoked_at_ms = ?2, revoked_by_device = ?3 WHERE id = ?1");
    update.bind(1, id);
    update.bind(2, at_ms);
    update.bind(3, device_id);
    update.execute();
}

}  // namespace

Partner SqliteRepository::create_partner(std::string_view name, std::int64_t at_ms) {
    validate_name(name, "partner name");
    return write([&](Writer& writer) {
        sqlite::Statement exists(writer.db, "SELECT name FROM partners WHERE name = ?1");
        exists.bind(1, name);
        if (exists.step()) {
            fail(ErrorCode::already_exists,
                 "a partner called \"" + exists.column_text(0) + "\" is already registered");
        }
        sqlite::Statement insert(writer.db,
                                 "INSERT INTO partners (name, created_at_ms) VALUES (?1, ?2)");
        insert.bind(1, name);
        insert.bind(2, at_ms);
        insert.execute();
        return Partner{writer.db.last_insert_rowid(), std::string(name), at_ms};
    });
}

std::optional<Partner> SqliteRepository::find_partner(std::int64_t id) const {
    return read(false, [&](Reader& reader) { return rows::select_partner(reader.db, id); });
}

std::optional<Partner> SqliteRepository::find_partner_by_name(std::string_view name) const {
    return read(false, [&](Reader& reader) -> std::optional<Partner> {
        // The column's collation (NOCASE) applies to the comparison.
        sqlite::Statement select(reader.db, "SELECT " + std::string(rows::kPartnerColumns) +
                                                " FROM partners p WHERE p.name = ?1");
        select.bind(1, name);
        if (!select.step()) {
            return std::nullopt;
        }
        return rows::read_partner(select);
    });
}

std::vector<Partner> SqliteRepository::list_partners() const {
    return read(false, [](Reader& reader) {
        sqlite::Statement select(reader.db, "SELECT " + std::string(rows::kPartnerColumns) +
                                                " FROM partners p ORDER BY p.name, p.id");
        std::vector<Partner> partners;
        while (select.step()) {
            partners.push_back(rows::read_partner(select));
        }
        return partners;
    });
}

Grant SqliteRepository::give_grant(std::string_view organisation_ods, std::int64_t partner_id,
                                   std::string_view device_id, std::int64_t at_ms,
                                   std::optional<std::int64_t> expires_at_ms) {
    const GrantPeriod given{at_ms, expires_at_ms};
    validate_grant_request(organisation_ods, device_id, given);
    return write([&](Writer& writer) {
        rows::require_organisation(writer.db, organisation_ods);
        const Partner partner = rows::require_partner(writer.db, partner_id);
        if (const auto live = select_live_grant(writer.db, organisation_ods, partner_id)) {
            check_grant_replaceable(live->grant, partner, given);
            // A new end date, or a grant past its end: the old one is kept as history.
            end_grant(writer.db, live->id, at_ms, device_id);
        }
        sqlite::Statement insert(writer.db,
                                 "INSERT INTO grants (organisation_ods, partner_id, given_at_ms, "
                                 "given_by_device, expires_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
        insert.bind(1, organisation_ods);
        insert.bind(2, partner_id);
        insert.bind(3, at_ms);
        insert.bind(4, device_id);
        insert.bind(5, expires_at_ms);
        insert.execute();
        return Grant{std::string(organisation_ods), partner_id,   partner.name, at_ms,
                     std::string(device_id),        std::nullopt, "",           expires_at_ms};
    });
}

Grant SqliteRepository::revoke_grant(std::string_view organisation_ods, std::int64_t partner_id,
                                     std::string_view device_id, std::int64_t at_ms) {
    validate_grant_request(organisation_ods, device_id);
    return write([&](Writer& writer) {
        rows::require_organisation(writer.db, organisation_ods);
        const Partner partner = rows::require_partner(writer.db, partner_id);
        auto live = select_live_grant(writer.db, organisation_ods, partner_id);
        if (!live) {
            fail_no_live_grant(organisation_ods, partner);
        }
        end_grant(writer.db, live->id, at_ms, device_id);
        live->grant.revoked_at_ms = at_ms;
        live->grant.revoked_by_device = std::string(device_id);
        return std::move(live->grant);
    });
}

std::optional<Grant> SqliteRepository::live_grant(std::string_view organisation_ods,
                                                  std::int64_t partner_id,
                                                  std::int64_t at_ms) const {
    return read(false, [&](Reader& reader) -> std::optional<Grant> {
        auto live = select_live_grant(reader.db, organisation_ods, partner_id);
        if (!live || !live->grant.in_force(at_ms)) {
            return std::nullopt;
        }
        return std::move(live->grant);
    });
}

std::vector<Grant> SqliteRepository::grants_of_organisation(
    std::string_view organisation_ods) const {
    validate_ods_code(organisation_ods, "organisation ODS code");
    return read(true, [&](Reader& reader) {
        rows::require_organisation(reader.db, organisation_ods);
        sqlite::Statement select(reader.db,
                                 "SELECT " + std::string(rows::kGrantColumns) +
                                     " FROM grants g JOIN partners p ON p.id = g.partner_id"
                                     " WHERE g.organisation_ods = ?1 ORDER BY g.id");
        select.bind(1, organisation_ods);
        std::vector<Grant> grants;
        while (select.step()) {
            grants.push_back(rows::read_grant(select));
        }
        return grants;
    });
}

std::vector<Organisation> SqliteRepository::organisations_granting(std::int64_t partner_id,
                                                                   std::int64_t at_ms) const {
    return read(true, [&](Reader& reader) {
        rows::require_partner(reader.db, partner_id);
        sqlite::Statement select(
            reader.db, "SELECT " + std::string(rows::kOrganisationColumns) +
                           " FROM grants g JOIN organisations o ON o.ods = g.organisation_ods" +
                           std::string(kInForceToPartner) + " ORDER BY o.ods");
        select.bind(1, partner_id);
        select.bind(2, at_ms);
        std::vector<Organisation> organisations;
        while (select.step()) {
            organisations.push_back(rows::read_organisation(select));
        }
        return organisations;
    });
}

std::vector<Grant> SqliteRepository::grants_to_partner(std::int64_t partner_id,
                                                       std::int64_t at_ms) const {
    return read(true, [&](Reader& reader) {
        rows::require_partner(reader.db, partner_id);
        sqlite::Statement select(
            reader.db, "SELECT " + std::string(rows::kGrantColumns) +
                           " FROM grants g JOIN partners p ON p.id = g.partner_id" +
                           std::string(kInForceToPartner) + " ORDER BY g.organisation_ods");
        select.bind(1, partner_id);
        select.bind(2, at_ms);
        std::vector<Grant> grants;
        while (select.step()) {
            grants.push_back(rows::read_grant(select));
        }
        return grants;
    });
}

}  // namespace dspt::server::store

namespace dspt::server::store {

// `dspt partner group` checks a label against the same limit before sending it.
static_assert(protocol::kMaxGroupLabelBytes == kMaxNameBytes);

void SqliteRepository::set_partner_group(std::int64_t partner_id, std::string_view organisation_ods,
                                         std::string_view label, std::int64_t at_ms) {
    validate_ods_code(organisation_ods, "organisation ODS code");
    validate_name(label, "group label", true);
    write([&](Writer& writer) {
        const Partner partner = rows::require_partner(writer.db, partner_id);
        const auto live = select_live_grant(writer.db, organisation_ods, partner_id);
        if (!live || !live->grant.in_force(at_ms)) {
            fail_no_live_grant(organisation_ods, partner);
        }
        if (label.empty()) {
            sqlite::Statement remove(
                writer.db,
                "DELETE FROM partner_groups WHERE partner_id = ?1 AND organisation_ods = ?2");
            remove.bind(1, partner_id);
            remove.bind(2, organisation_ods);
            remove.execute();
            return;
        }
        sqlite::Statement upsert(
            writer.db,
            "INSERT INTO partner_groups (partner_id, organisation_ods, label, set_at_ms)"
            " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (partner_id, organisation_ods)"
            " DO UPDATE SET label = excluded.label, set_at_ms = excluded.set_at_ms");
        upsert.bind(1, partner_id);
        upsert.bind(2, organisation_ods);
        upsert.bind(3, label);
        upsert.bind(4, at_ms);
        upsert.execute();
    });
}

std::vector<PartnerGroup> SqliteRepository::partner_groups(std::int64_t partner_id,
                                                           std::int64_t at_ms) const {
    return read(true, [&](Reader& reader) {
        rows::require_partner(reader.db, partner_id);
        sqlite::Statement select(reader.db,
                                 "SELECT l.organisation_ods, l.label, l.set_at_ms FROM grants g"
                                 " JOIN partner_groups l ON l.partner_id = g.partner_id"
                                 " AND l.organisation_ods = g.organisation_ods" +
                                     std::string(kInForceToPartner) +
                                     " ORDER BY l.organisation_ods");
        select.bind(1, partner_id);
        select.bind(2, at_ms);
        std::vector<PartnerGroup> groups;
        while (select.step()) {
            groups.push_back(
                {select.column_text(0), select.column_text(1), select.column_int64(2)});
        }
        return groups;
    });
}

}  // namespace dspt::server::store
