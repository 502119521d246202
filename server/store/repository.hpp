#pragma once
// Repository: everything the server keeps about who is who, as operations named for the
// domain. The registry (organisations and sites), partners and grants, enrolment tokens,
// devices, the organisations' recovery envelopes and the request nonces seen recently.
//
// All SQL of the server lives behind this interface, in server/store/. The embedded
// implementation is SqliteRepository (sqlite_repository.hpp); PgRepository
// (pg_repository.hpp) keeps the same contract on PostgreSQL, for several server
// processes on one database (docs/architecture.md, "The server store"). Callers see
// only the plain structs of model.hpp.
//
// The contract every implementation keeps:
//
// Atomicity. Every method is one transaction: it either does all it says or changes
// nothing. A method that checks state and then writes (give_grant, enrol_device, ...)
// does both under the same lock (SQLite's write lock; on PostgreSQL, the rows it
// checks), so no other call, from this process or another on the same store, can slip
// in between.
//
// Thread-safety. Every method may be called from any thread, concurrently with any
// other, without external locking. Calls that write are serialised; reads run in
// parallel with each other and with writes, and see every write that returned before
// they began.
//
// Errors. Methods throw dspt::Error:
//   - invalid_argument: a value of the wrong form (a bad ODS code, an empty name, a
//     device whose fields do not match its role); nothing was read or written.
//   - not_found, already_exists, failed_precondition, unauthenticated: as each method
//     says. The message names the thing (its code or id) and says what is wrong.
//   - database / database_busy: the storage failed or stayed locked past its timeout;
//     nothing was changed, and the call may be retried.
//   - corrupt: a stored value fails its own checks (an unknown role, a bad date).
// Lookups (find_*) of something that does not exist return an empty optional, and do
// not check the form of the key: a malformed key simply matches nothing.
//
// Time. Every `at_ms` is a Unix time in milliseconds chosen by the caller (the server's
// clock); the store never reads a clock, so tests are exact.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto/bytes.hpp"
#include "common/date.hpp"
#include "server/store/model.hpp"
#include "server/store/pack_model.hpp"
#include "server/store/publication_model.hpp"
#include "server/store/sync_health_model.hpp"
#include "server/store/sync_model.hpp"
#include "server/store/web_model.hpp"

namespace dspt::server::store {

class Repository {
  public:
    virtual ~Repository() = default;

    Repository(const Repository&) = delete;
    Repository& operator=(const Repository&) = delete;

    // ---- Registry --------------------------------------------------------------------

    // Registers an organisation. Throws invalid_argument for a bad ODS code or name,
    // already_exists if an organisation with that ODS code is registered.
    virtual void create_organisation(const Organisation& organisation) = 0;

    // The organisation with that ODS code, if registered.
    virtual std::optional<Organisation> find_organisation(std::string_view ods) const = 0;

    // Every organisation, ordered by ODS code.
    virtual std::vector<Organisation> list_organisations() const = 0;

    // Records when the organisation's Cyber Essentials Plus certificate expires, or
    // clears it with nullopt. Throws not_found for an unknown organisation.
    virtual void set_cyber_essentials_plus(std::string_view ods, std::optional<Date> expires) = 0;

    // Registers a site of an existing organisation. Throws invalid_argument for a bad
    // code, CQC location id or name; not_found if the organisation is not registered;
    // already_exists if a site with that ODS code is registered (to any organisation).
    virtual void add_site(const Site& site) = 0;

    // The site with that ODS code, if registered.
    virtual std::optional<Site> find_site(std::string_view ods) const = 0;

    // The organisation's sites, ordered by ODS code. Throws not_found for an unknown
    // organisation (an organisation without sites gives an empty list).
    virtual std::vector<Site> sites_of(std::string_view organisation_ods) const = 0;

    // Brings the registry in line with `rows`, all or nothing, in one transaction:
    // creates missing organisations (created at `at_ms`) and sites, and updates the
    // organisation name and is_headquarters, and the site name and CQC location id,
    // where they differ. Nothing is deleted: organisations and sites missing from the
    // rows stay. Several rows may name the same organisation (one per site); they must
    // agree on its name and is_headquarters.
    //
    // Throws, changing nothing:
    //   - invalid_argument naming the row (from 1) for a malformed row, or rows that
    //     disagree about the same organisation or site;
    //   - failed_precondition naming the row when a site is registered to a different
    //     organisation: moving a site moves its devices' access, so it is not done by
    //     an import.
    // Returns what was created and updated.
    virtual ImportSummary import_registry(const std::vector<RegistryRow>& rows,
                                          std::int64_t at_ms) = 0;

    // ---- Partners and grants ---------------------------------------------------------

    // Registers a support partner and returns it with its new id. Names are unique
    // without regard to ASCII case. Throws invalid_argument for a bad name,
    // already_exists if the name is taken.
    virtual Partner create_partner(std::string_view name, std::int64_t at_ms) = 0;

    // The partner with that id / that name (ASCII case ignored), if registered.
    virtual std::optional<Partner> find_partner(std::int64_t id) const = 0;
    virtual std::optional<Partner> find_partner_by_name(std::string_view name) const = 0;

    // Every partner, ordered by name.
    virtual std::vector<Partner> list_partners() const = 0;

    // The organisation lets the partner read its progress, from `at_ms` until revoked
    // or, with `expires_at_ms`, up to and including that time; `device_id` is who gave
    // the grant ("admin" or a device id, see validate_actor). Returns the new live
    // grant. A live grant already there with the same end stays and already_exists is
    // thrown; one with another end, or one past its end, is ended at `at_ms` (kept as
    // history) and replaced. Throws not_found for an unknown organisation or partner,
    // invalid_argument for an end before `at_ms`.
    virtual Grant give_grant(std::string_view organisation_ods, std::int64_t partner_id,
                             std::string_view device_id, std::int64_t at_ms,
                             std::optional<std::int64_t> expires_at_ms) = 0;

    // Ends the live grant at `at_ms`, recording who revoked it, and returns it as
    // revoked. Throws not_found if there is no live grant (never given, or already
    // revoked) or the organisation or partner is unknown.
    virtual Grant revoke_grant(std::string_view organisation_ods, std::int64_t partner_id,
                               std::string_view device_id, std::int64_t at_ms) = 0;

    // The grant from the organisation to the partner in force at `at_ms` (live and
    // not past its end), if there is one. This is the check behind every partner read.
    virtual std::optional<Grant> live_grant(std::string_view organisation_ods,
                                            std::int64_t partner_id, std::int64_t at_ms) const = 0;

    // Every grant the organisation has given, live and revoked, oldest first. Throws
    // not_found for an unknown organisation.
    virtual std::vector<Grant> grants_of_organisation(std::string_view organisation_ods) const = 0;

    // The organisations with a grant to the partner in force at `at_ms`, ordered by ODS
    // code. Throws not_found for an unknown partner.
    virtual std::vector<Organisation> organisations_granting(std::int64_t partner_id,
                                                             std::int64_t at_ms) const = 0;

    // The grants to the partner in force at `at_ms`, ordered by organisation: what a
    // partner device is shown of its access. Throws not_found for an unknown partner.
    virtual std::vector<Grant> grants_to_partner(std::int64_t partner_id,
                                                 std::int64_t at_ms) const = 0;

    // Labels the organisation in the partner's own grouping (partner_groups), at
    // `at_ms`, replacing any label it had; an empty label removes it. Only while the
    // organisation's grant to the partner is in force at `at_ms`: otherwise not_found,
    // as for an unknown organisation or partner. invalid_argument for a label that is not a
    // display name (validate_name). A label outlives a grant's renewal; while no grant is in
    // force it is kept but shown nowhere.
    virtual void set_partner_group(std::int64_t partner_id, std::string_view organisation_ods,
                                   std::string_view label, std::int64_t at_ms) = 0;

    // The partner's labels, ordered by organisation code, of the organisations whose
    // grant is in force at `at_ms`. Throws not_found for an unknown partner.
    virtual std::vector<PartnerGroup> partner_groups(std::int64_t partner_id,
                                                     std::int64_t at_ms) const = 0;

    // ---- Enrolment -------------------------------------------------------------------

    // Stores a new, unused enrolment token. Throws invalid_argument for a malformed
    // token (validate_new_token); not_found if its organisation, site or partner is not
    // registered; failed_precondition if its site belongs to another organisation;
    // already_exists if a token with that id exists.
    virtual void create_token(const EnrolmentToken& token) = 0;

    // The token with that id, used or not, expired or not, if it exists.
    virtual std::optional<EnrolmentToken> find_token(std::string_view token_id) const = 0;

    // Redeems a token: in one IMMEDIATE transaction, checks the token and then marks it
    // used by `device` at `at_ms` and stores the device, enrolled at `at_ms` and live
    // (the device's own enrolled_at_ms and revoked_at_ms are ignored). Returns the
    // device as stored.
    //
    // `verifier` is the verifier the caller derived from the secret presented and has
    // already compared with find_token's (in constant time). The store compares it again
    // inside the transaction, so that no code path can consume a token without its
    // secret.
    //
    // Checks, in this order, each with its own error (nothing is changed on any):
    //   - invalid_argument: `device` is malformed (validate_device);
    //   - not_found: no token with that id;
    //   - unauthenticated: `verifier` is not the token's (checked before the token's
    //     state, so a caller without the secret learns nothing more about it);
    //   - failed_precondition "... already used ...": the token was redeemed before;
    //   - failed_precondition "... expired ...": at_ms is after the token's
    //     expires_at_ms (a token works up to and including that time);
    //   - failed_precondition "... cancelled ...": the token was voided, or the
    //     device that made it is revoked;
    //   - invalid_argument: the device's role, organisation, site or partner differ
    //     from the token's;
    //   - already_exists: a device with that id is enrolled, or a device (live or
    //     revoked) holds the same signing or box public key.
    // Of several concurrent calls with the same token, exactly one succeeds; the others
    // fail with "already used".
    virtual Device enrol_device(std::string_view token_id, crypto::ByteView verifier,
                                const Device& device, std::int64_t at_ms) = 0;

    // ---- Devices ---------------------------------------------------------------------

    // The device with that id, live or revoked, if enrolled. Called on every signed
    // request, so implementations keep it cheap.
    virtual std::optional<Device> find_device(std::string_view id) const = 0;

    // Every device, live and revoked, in order of enrolment.
    virtual std::vector<Device> list_devices() const = 0;

    // Revokes a device from `at_ms`: it can no longer authenticate, and the codes it
    // made and nobody used are voided in the same transaction. Revoking is final.
    // Throws not_found for an unknown device, failed_precondition if it is already
    // revoked (the message gives when).
    virtual void revoke_device(std::string_view id, std::int64_t at_ms) = 0;

    // How many revocations this store has seen, as far as this process can tell
    // without reading the store: the value grows when revoke_device returns, in
    // this process or any other using the same store. A device read after a value
    // was taken is at least as recent as the revocations it counts, so a copy of a
    // device read after value V is still true while the value is V (whoever holds
    // it then checks only this). None when the store cannot tell so cheaply: then
    // every request reads its device. See docs/security.md, "Request sessions".
    virtual std::optional<std::uint64_t> device_revocations() const noexcept {
        return std::nullopt;
    }

    // The codes that still work at `now_ms` (neither used, voided nor expired),
    // oldest first: of one organisation ("" any; partner codes have none), and
    // made by `created_by` ("" anyone; "admin" the operator).
    virtual std::vector<EnrolmentToken> usable_tokens(std::string_view organisation_ods,
                                                      std::string_view created_by,
                                                      std::int64_t now_ms) const = 0;

    // Voids a code nobody used at `at_ms` and returns it as voided. With
    // `created_by` not "", only a code that creator made (another creator's code
    // is not_found, as if it did not exist). Throws not_found for an unknown code,
    // failed_precondition for one already used or voided.
    virtual EnrolmentToken void_token(std::string_view token_id, std::string_view created_by,
                                      std::int64_t at_ms) = 0;

    // ---- Organisation key envelopes --------------------------------------------------

    // Keeps the organisation's recovery envelope (the organisation key sealed under its
    // recovery code), put by `device_id` at `at_ms`. Only the first is accepted, so a
    // later device cannot replace the key everyone else's evidence is wrapped for.
    // Throws invalid_argument for an empty envelope or a bad device id; not_found for an
    // unknown organisation; already_exists if the organisation has one.
    virtual void put_recovery_envelope(std::string_view organisation_ods, crypto::ByteView sealed,
                                       std::string_view device_id, std::int64_t at_ms) = 0;

    // The organisation's recovery envelope, if one was put.
    virtual std::optional<RecoveryEnvelope> find_recovery_envelope(
        std::string_view organisation_ods) const = 0;

    // ---- Replay protection -----------------------------------------------------------

    // Records that `device_id` used `nonce` at `at_ms`. Returns true if the nonce is
    // fresh for that device, false if the device used the same nonce within the window,
    // that is at a time t with t >= at_ms - window_ms (a replay: refuse the request).
    // Nonces of different devices never collide. A nonce last seen before the window is
    // accepted again (the request's timestamp check refuses such old requests anyway).
    //
    // Entries older than the window are pruned now and then (amortised), never on
    // every call. Safe under concurrent calls: of two calls with the same device and
    // nonce, exactly one gets true. Throws invalid_argument for an empty device id, an
    // empty or over-long nonce (kMaxNonceBytes), a negative at_ms or a window_ms that is
    // not positive.
    virtual bool remember_nonce(std::string_view device_id, std::string_view nonce,
                                std::int64_t at_ms, std::int64_t window_ms) = 0;

    // ---- Sync ------------------------------------------------------------------------

    // Applies a batch of changes pushed by `device_id` for its organisation, all or
    // nothing, in order, and returns one result per change (register_merge.hpp):
    // a (replica, seq) applied before gets its first version again as a duplicate.
    // Throws forbidden when a replica is already bound to another device;
    // invalid_argument when a replica's seqs skip one (they must be contiguous);
    // not_found for an unknown organisation. Which scopes and keys the device may
    // write is the caller's to check. Concurrent calls may be committed together
    // (group commit); each stays all or nothing, and one call's failure is its own:
    // it never fails or undoes another's.
    virtual std::vector<ChangeResult> apply_changes(std::string_view organisation_ods,
                                                    std::string_view device_id,
                                                    const std::vector<Change>& changes) = 0;

    // The registers of the organisation in `scopes` whose version is above `since`,
    // in version order, at most `limit`, read from one snapshot.
    virtual RegisterPage registers_since(std::string_view organisation_ods,
                                         const std::vector<std::string>& scopes, std::int64_t since,
                                         std::size_t limit) const = 0;

    // --- evidence chunks --------------------------------------------------
    // Sealed chunks of evidence files (docs/security.md, "Evidence end to end"): bytes the
    // server stores and returns but cannot read.

    // Who the evidence file's chunks belong to; nullopt before its first chunk.
    virtual std::optional<BlobOwner> find_blob(std::string_view evidence_id) const = 0;

    // Stores chunk `index` of the file (replacing one sent before), claiming the
    // file for `owner` with its first chunk. Throws forbidden when the file
    // belongs to another organisation or scope, and limit_exceeded when the
    // owner's chunks would then hold more than `quota_bytes` (0: no quota),
    // checked in the same transaction as the write.
    virtual void put_blob_chunk(std::string_view evidence_id, const BlobOwner& owner,
                                std::uint32_t index, crypto::ByteView sealed, std::int64_t at_ms,
                                std::uint64_t quota_bytes) = 0;

    // The evidence chunks each organisation holds, by organisation code; only
    // organisations that hold any.
    virtual std::vector<StorageUse> storage_use() const = 0;

    // Removes the files (their chunks and their claim) that no live evidence
    // register of their organisation names, in any year or scope: uploads never
    // finished, and files removed. Only files whose first chunk arrived before
    // `before_ms` go, so an upload under way is never touched. Returns what went.
    virtual StorageUse collect_unreferenced_blobs(std::int64_t before_ms) = 0;

    // The indexes of the chunks held, ascending.
    virtual std::vector<std::uint32_t> blob_chunks_held(std::string_view evidence_id) const = 0;

    // One chunk's sealed bytes; nullopt when the server does not hold it.
    virtual std::optional<crypto::Bytes> blob_chunk(std::string_view evidence_id,
                                                    std::uint32_t index) const = 0;

    // The highest seq applied from a replica that `device_id` writes as; nullopt
    // for a replica never seen or bound to another device, so that no device
    // learns what another device's replica sent.
    virtual std::optional<std::int64_t> replica_high_water(std::string_view replica_id,
                                                           std::string_view device_id) const = 0;

    // The name of the device each of `replica_ids` is bound to, for the replicas of
    // `organisation_ods` only: what a conflict's values show of who wrote them. A
    // replica never seen, or another organisation's, is left out.
    virtual std::map<std::string, std::string> replica_device_names(
        std::string_view organisation_ods, const std::vector<std::string>& replica_ids) const = 0;

    // ---- Publications ------------------------------------------------------------------

    // Records a publication (its id is assigned; its sites are stored sorted, without
    // repeats), all or nothing. A request id recorded before for the same organisation
    // and device returns that publication as a duplicate and records nothing, so a
    // publish retried after a lost answer publishes once.
    //
    // Throws, recording nothing:
    //   - invalid_argument: level none, no sites, a malformed code, year, device or
    //     request id;
    //   - already_exists: the request id was used by another device;
    //   - not_found: an unknown organisation, or a site that is not one of its own;
    //   - failed_precondition: an Approaching Standards publication by an organisation
    //     that has published before (docs/domain.md, "Publishing"), checked under the write
    //     lock, so two concurrent first publications cannot both be at that level.
    // Publications are never changed or deleted afterwards.
    virtual RecordedPublication record_publication(const Publication& publication) = 0;

    // The publication recorded for this request id, if any.
    virtual std::optional<Publication> find_publication_by_request(
        std::string_view request_id) const = 0;

    // The organisation's publications, newest first (none for an unknown organisation).
    virtual std::vector<Publication> publications_of(std::string_view organisation_ods) const = 0;

    // The public register: organisations whose name contains `query` (ASCII case
    // ignored) or whose ODS code, or one of whose sites' codes, starts with it (case
    // ignored); every organisation for an empty query. Ordered by name then code; at
    // most `limit` entries from `offset`, with the total that match. Each entry holds
    // every registered site, or only the matching sites when the query matched the
    // organisation by site code alone, each with the latest publication that covers
    // it (PublicEntry).
    virtual PublicPage search_public(std::string_view query, std::size_t offset,
                                     std::size_t limit) const = 0;

    // The counts behind the public statistics of standards year `year` (YearCounts),
    // read from one snapshot: a publication of the year counts "by the deadline" when
    // its published_at_ms is below `deadline_end_ms`. `year` is not checked: a year
    // nothing was published for counts no publications.
    virtual YearCounts year_counts(std::string_view year, std::int64_t deadline_end_ms) const = 0;

    // How many publications of `year` were made in each of `weeks` weeks of seven days
    // from `from_ms`: element i counts those with from_ms + i weeks <= published_at_ms <
    // from_ms + (i + 1) weeks. Throws invalid_argument for more than kMaxStatisticsWeeks.
    virtual std::vector<std::size_t> publications_per_week(std::string_view year,
                                                           std::int64_t from_ms,
                                                           std::size_t weeks) const = 0;

    // ---- Sync health ------------------------------------------------------------------

    // Keeps the device's report in place of its previous one; a report with
    // `finished` also becomes the device's last sync (reported_at_ms), which any
    // later report keeps. Throws invalid_argument for a negative time or age or a
    // count beyond INT64_MAX, not_found for an unknown device.
    virtual void record_sync_health(const SyncHealthReport& report) = 0;

    // The latest report of each live device of the organisation that has reported,
    // ordered by device id (none for an unknown organisation). Partner devices have
    // no organisation, so they never appear.
    virtual std::vector<DeviceSyncHealth> sync_health_of(
        std::string_view organisation_ods) const = 0;

    // ---- Standards packs -----------------------------------------------------------------

    // Keeps a pack an operator installed, under its year and digest. The caller
    // has validated it and made `digest` from `json`. Returns false, changing
    // nothing, when a pack of that year and digest is already installed.
    virtual bool install_pack(const InstalledPack& pack) = 0;

    // The installed pack of `year` whose digest is `digest`, if any.
    virtual std::optional<InstalledPack> find_installed_pack(std::string_view year,
                                                             std::string_view digest) const = 0;

    // Every installed pack, by year then installation time.
    virtual std::vector<InstalledPack> installed_packs() const = 0;

    // ---- Browser sign-in ----------------------------------------------------------------

    // Stores a new, unused login link, and forgets links and sessions that expired
    // more than a day before its created_at_ms. Throws invalid_argument for a hash
    // that is not kWebHashBytes long, a bad device id or year, or an expiry not after
    // its creation; not_found for an unknown device; failed_precondition for a
    // revoked one; already_exists for a hash stored before.
    virtual void create_login_link(const LoginLink& link) = 0;

    // Opens the link whose secret hashes to `secret_hash` at `at_ms`: in one IMMEDIATE
    // transaction, checks it, marks it used and stores a session with `session_hash`
    // for the link's device and year, created at `at_ms` and live up to and including
    // `session_expires_at_ms`. Anything but `opened` changes nothing. Of several
    // concurrent calls with the same link, exactly one opens it; the others get
    // `used`. Throws invalid_argument for a session hash that is not kWebHashBytes
    // long or an expiry not after at_ms; already_exists for a session hash stored
    // before.
    virtual OpenedLink open_login_link(crypto::ByteView secret_hash, crypto::ByteView session_hash,
                                       std::int64_t at_ms, std::int64_t session_expires_at_ms) = 0;

    // The session whose id hashes to `id_hash`, live, expired or revoked, if stored.
    virtual std::optional<WebSession> find_web_session(crypto::ByteView id_hash) const = 0;

    // Revokes the session at `at_ms` (signing out). Returns false, changing nothing,
    // when there is no such session or it was already revoked.
    virtual bool end_web_session(crypto::ByteView id_hash, std::int64_t at_ms) = 0;

  protected:
    Repository() = default;
};

}  // namespace dspt::server::store
