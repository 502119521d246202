// PgRepository: support partners and the grants organisations give them.

#include <string>

#include "common/error.hpp"
#include "server/store/grant_rules.hpp"
#include "server/store/pg_pool.hpp"
#include "server/store/pg_repository.hpp"
#include "server/store/pg_rows.hpp"

namespace dspt::server::store {

namespace {

// The grants to partner $1 in force at $2: the SQL form of Grant::in_force.
constexpr std::string_view kPgInForceToPartner =
    " WHERE g.partner_id = $1 AND g.revoked_at_ms IS NULL"
    " AND (g.expires_at_ms IS NULL OR g.expires_at_ms >= $2)";

// A grant and its row id, which revoke_grant updates by.
struct PgGrantRow {
    std::int64_t id;
    Grant grant;
};

// The live grant, if any; with `lock`, locked until the transaction ends, so that no
// other process ends or replaces it meanwhile. The id is read after the kGrantColumns,
// which read_grant expects from column 0.
std::optional<PgGrantRow> pg_select_live_grant(pg::Connection& db,
                                               std::string_view organisation_ods,
                                               std::int64_t partner_id, bool lock) {
    const pg::Result result =
        db.run("SELECT " + std::string(pg_rows::kGrantColumns) +
                   ", g.id FROM grants g JOIN partners p ON p.id = g.partner_id"
                   " WHERE g.organisation_ods = $1 AND g.partner_id = $2"
                   " AND g.revoked_at_ms IS NULL" +
                   (lock ? " FOR UPDATE OF g" : ""),
               pg::Params().text(organisation_ods).int64(partner_id));
    if (result.empty()) {
        return std::nullopt;
    }
    return PgGrantRow{result.int64(0, 8), pg_rows::read_grant(result, 0)};
}

void pg_end_grant(pg::Connection& db, std::int64_t id, std::int64_t at_ms,
                  std::string_view device_id) {
    db.run("UPDATE grants SET revoked_at_ms = $2, revoked_by_device = $3 WHERE id = $1",
           pg::Params().int64(id).int64(at_ms).text(device_id));
}

}  // namespace

Partner PgRepository::create_partner(std::string_view name, std::int64_t at_ms) {
    validate_name(name, "partner name");
    return pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) {
        // The unique index on lower(name) decides between concurrent creators.
        const pg::Result inserted = db.run(
            "INSERT INTO partners (name, created_at_ms) VALUES ($1, $2) "
            "ON CONFLICT DO NOTHING RETURNING id",
            pg::Params().text(name).int64(at_ms));
        if (inserted.empty()) {
            const pg::Result taken = db.run(
                "SELECT name FROM partners WHERE lower(name) = lower($1)", pg::Params().text(name));
            fail(ErrorCode::already_exists,
                 "a partner called \"" + (taken.empty() ? std::string(name) : taken.text(0, 0)) +
                     "\" is already registered");
        }
        return Partner{inserted.int64(0, 0), std::string(name), at_ms};
    });
}

std::optional<Partner> PgRepository::find_partner(std::int64_t id) const {
    return pg::in_transaction(*pool_, pg::Access::read,
                              [&](pg::Connection& db) { return pg_rows::select_partner(db, id); });
}

std::optional<Partner> PgRepository::find_partner_by_name(std::string_view name) const {
    return pg::in_transaction(*pool_, pg::Access::read, [&](pg::Connection& db) {
        // ASCII case ignored, as the unique index partners_by_name compares.
        return pg_rows::read_first(db.run("SELECT " + std::string(pg_rows::kPartnerColumns) +
                                              " FROM partners p WHERE lower(p.name) = lower($1)",
                                          pg::Params().text(name)),
                                   pg_rows::read_partner);
    });
}

std::vector<Partner> PgRepository::list_partners() const {
    return pg::in_transaction(*pool_, pg::Access::read, [](pg::Connection& db) {
        return pg_rows::read_rows(db.run("SELECT " + std::string(pg_rows::kPartnerColumns) +
                                         " FROM partners p ORDER BY lower(p.name) COLLATE \"C\", "
                                         "p.id"),
                                  pg_rows::read_partner);
    });
}

Grant PgRepository::give_grant(std::string_view organisation_ods, std::int64_t partner_id,
                               std::string_view device_id, std::int64_t at_ms,
                               std::optional<std::int64_t> expires_at_ms) {
    const GrantPeriod given{at_ms, expires_at_ms};
    validate_grant_request(organisation_ods, device_id, given);
    return pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) {
        pg_rows::require_organisation(db, organisation_ods);
        const Partner partner = pg_rows::require_partner(db, partner_id);
        if (const auto live = pg_select_live_grant(db, organisation_ods, partner_id, true)) {
            check_grant_replaceable(live->grant, partner, given);
            // A new end date, or a grant past its end: the old one is kept as history.
            pg_end_grant(db, live->id, at_ms, device_id);
        }
        // The unique index grants_live keeps one live grant when another process gave
        // one since the lookup above.
        const pg::Result inserted = db.run(
            "INSERT INTO grants (organisation_ods, partner_id, given_at_ms, given_by_device, "
            "expires_at_ms) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (organisation_ods, partner_id) WHERE revoked_at_ms IS NULL DO NOTHING",
            pg::Params()
                .text(organisation_ods)
                .int64(partner_id)
                .int64(at_ms)
                .text(device_id)
                .optional_int64(expires_at_ms));
        if (inserted.affected() == 0) {
            fail_grant_live(organisation_ods, partner);
        }
        return Grant{std::string(organisation_ods), partner_id,   partner.name, at_ms,
                     std::string(device_id),        std::nullopt, "",           expires_at_ms};
    });
}

Grant PgRepository::revoke_grant(std::string_view organisation_ods, std::int64_t partner_id,
                                 std::string_view device_id, std::int64_t at_ms) {
    validate_grant_request(organisation_ods, device_id);
    return pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) {
        pg_rows::require_organisation(db, organisation_ods);
        const Partner partner = pg_rows::require_partner(db, partner_id);
        auto live = pg_select_live_grant(db, organisation_ods, partner_id, true);
        if (!live) {
            fail_no_live_grant(organisation_ods, partner);
        }
        pg_end_grant(db, live->id, at_ms, device_id);
        live->grant.revoked_at_ms = at_ms;
        live->grant.revoked_by_device = std::string(device_id);
        return std::move(live->grant);
    });
}

std::optional<Grant> PgRepository::live_grant(std::string_view organisation_ods,
                                              std::int64_t partner_id, std::int64_t at_ms) const {
    return pg::in_transaction(
        *pool_, pg::Access::read, [&](pg::Connection& db) -> std::optional<Grant> {
            auto live = pg_select_live_grant(db, organisation_ods, partner_id, false);
            if (!live || !live->grant.in_force(at_ms)) {
                return std::nullopt;
            }
            return std::move(live->grant);
        });
}

std::vector<Grant> PgRepository::grants_of_organisation(std::string_view organisation_ods) const {
    validate_ods_code(organisation_ods, "organisation ODS code");
    return pg::in_transaction(*pool_, pg::Access::read, [&](pg::Connection& db) {
        pg_rows::require_organisation(db, organisation_ods);
        return pg_rows::read_rows(db.run("SELECT " + std::string(pg_rows::kGrantColumns) +
                                             " FROM grants g JOIN partners p ON p.id = g.partner_id"
                                             " WHERE g.organisation_ods = $1 ORDER BY g.id",
                                         pg::Params().text(organisation_ods)),
                                  pg_rows::read_grant);
    });
}

std::vector<Organisation> PgRepository::organisations_granting(std::int64_t partner_id,
                                                               std::int64_t at_ms) const {
    return pg::in_transaction(*pool_, pg::Access::read, [&](pg::Connection& db) {
        pg_rows::require_partner(db, partner_id);
        return pg_rows::read_rows(
            db.run("SELECT " + std::string(pg_rows::kOrganisationColumns) +
                       " FROM grants g JOIN organisations o ON o.ods = g.organisation_ods" +
                       std::string(kPgInForceToPartner) + " ORDER BY o.ods COLLATE \"C\"",
                   pg::Params().int64(partner_id).int64(at_ms)),
            pg_rows::read_organisation);
    });
}

std::vector<Grant> PgRepository::grants_to_partner(std::int64_t partner_id,
                                                   std::int64_t at_ms) const {
    return pg::in_transaction(*pool_, pg::Access::read, [&](pg::Connection& db) {
        pg_rows::require_partner(db, partner_id);
        return pg_rows::read_rows(
            db.run("SELECT " + std::string(pg_rows::kGrantColumns) +
                       " FROM grants g JOIN partners p ON p.id = g.partner_id" +
                       std::string(kPgInForceToPartner) +
                       " ORDER BY g.organisation_ods COLLATE \"C\"",
                   pg::Params().int64(partner_id).int64(at_ms)),
            pg_rows::read_grant);
    });
}

}  // namespace dspt::server::store

namespace dspt::server::store {

void PgRepository::set_partner_group(std::int64_t partner_id, std::string_view organisation_ods,
                                     std::string_view label, std::int64_t at_ms) {
    validate_ods_code(organisation_ods, "organisation ODS code");
    validate_name(label, "group label", true);
    pg::in_transaction(*pool_, pg::Access::write, [&](pg::Connection& db) {
        const Partner partner = pg_rows::require_partner(db, partner_id);
        // Locked, so a revoke cannot end the grant between this check and the label.
        const auto live = pg_select_live_grant(db, organisation_ods, partner_id, true);
        if (!live || !live->grant.in_force(at_ms)) {
            fail_no_live_grant(organisation_ods, partner);
        }
        if (label.empty()) {
            db.run("DELETE FROM partner_groups WHERE partner_id = $1 AND organisation_ods = $2",
                   pg::Params().int64(partner_id).text(organisation_ods));
            return;
        }
        db.run(
            "INSERT INTO partner_groups (partner_id, organisation_ods, label, set_at_ms)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (partner_id, organisation_ods)"
            " DO UPDATE SET label = excluded.label, set_at_ms = excluded.set_at_ms",
            pg::Params().int64(partner_id).text(organisation_ods).text(label).int64(at_ms));
    });
}

std::vector<PartnerGroup> PgRepository::partner_groups(std::int64_t partner_id,
                                                       std::int64_t at_ms) const {
    return pg::in_transaction(*pool_, pg::Access::read, [&](pg::Connection& db) {
        pg_rows::require_partner(db, partner_id);
        const pg::Result result = db.run(
            "SELECT l.organisation_ods, l.label, l.set_at_ms FROM grants g"
            " JOIN partner_groups l ON l.partner_id = g.partner_id"
            " AND l.organisation_ods = g.organisation_ods" +
                std::string(kPgInForceToPartner) + " ORDER BY l.organisation_ods COLLATE \"C\"",
            pg::Params().int64(partner_id).int64(at_ms));
        std::vector<PartnerGroup> groups;
        for (int row = 0; row < result.rows(); ++row) {
            groups.push_back({result.text(row, 0), result.text(row, 1), result.int64(row, 2)});
        }
        return groups;
    });
}

}  // namespace dspt::server::store
