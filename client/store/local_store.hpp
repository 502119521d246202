#pragma once
// The client's local store: one encrypted SQLite file per installation holding
// a site's draft answers, action plan and evidence for one standards year, and
// the outbox of changes waiting to be synced.
//
// Keys. A random 256-bit data key seals every sensitive field. It is kept in
// the file only wrapped by a key derived from the user's passphrase with
// Argon2id; the KDF parameters are stored beside it. The wrap's associated data
// binds the replica id, the year, the KDF parameters and the standards pack, so
// editing any of them makes the store refuse to open rather than misbehave.
// Changing the passphrase re-wraps the data key and touches nothing else.
//
// Changes. Every change (answer, comment, plan entry, evidence added or
// removed) writes the new value and its outbox entry in one IMMEDIATE
// transaction: either both are there or neither is (docs/sync.md, "The outbox").
//
// Errors. A wrong passphrase is ErrorCode::wrong_passphrase; a field that fails
// its integrity check is ErrorCode::corrupt naming its item; a store written by
// a newer dspt is ErrorCode::schema_too_new; a bad value is
// ErrorCode::invalid_argument; an unknown item ErrorCode::not_found. A failed
// change leaves the store as it was.
//
// Thread-safety: a LocalStore is used by one thread at a time. Several
// processes may open the same file; SQLite's locking serialises their changes.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/store/field_sealer.hpp"
#include "client/store/outbox.hpp"
#include "common/assessment/assessment.hpp"
#include "common/clock/hybrid_clock.hpp"
#include "common/crypto/password_kdf.hpp"
#include "common/crypto/secret_key.hpp"
#include "common/date.hpp"
#include "common/sqlite/database.hpp"
#include "common/standards/pack.hpp"

namespace dspt::client {

class EvidenceStore;

struct StoreInfo {
    std::string year;        // the standards year, e.g. "2025-26"
    std::string site_name;   // as given to `dspt init --name`
    std::string replica_id;  // this installation's id in the outbox (a UUID)
    std::int64_t created_at_ms = 0;
    bool custom_pack = false;  // the pack was imported rather than bundled
    // A copy of a finished year kept by `dspt year start`: it is read, not
    // changed or synced (its device identity belongs to the live store).
    bool archived = false;
};

struct CreateOptions {
    std::string site_name;
    // The standards pack; the store keeps its own copy, so a store created from
    // an imported pack keeps working with any build.
    standards::Pack pack;
    bool custom_pack = false;
    crypto::KdfStrength kdf_strength = crypto::KdfStrength::interactive;
    // Who answers on this device ('dspt init --user'), checked with
    // LocalStore::normalise_author_name(); empty: nobody named.
    std::string author_name;
    // The wall clock that stamps the store's creation (open() takes the clock
    // for everything after).
    HybridClock::WallClock wall = &HybridClock::system_millis;
};

// What start_year() is given.
struct YearStartOptions {
    standards::Pack pack;  // the new year's; a newer year than the store's
    bool custom_pack = false;
    // Where the finished year is kept, as a store of its own
    // (file_in(archive_home)); e.g. <home>/years/2024-25.
    std::filesystem::path archive_home;
};

// What start_year() did, counted over every assessment the store holds.
struct YearStartReport {
    std::string old_year;
    std::string new_year;
    std::filesystem::path archive;       // the finished year's store file
    std::size_t answers_to_review = 0;   // carried over, marked to review
    std::size_t evidence_to_review = 0;  // files carried over with their items
    std::size_t answers_dropped = 0;     // of items the new year does not have
    std::size_t evidence_dropped = 0;
    std::size_t plan_entries_dropped = 0;
    std::size_t changes_discarded = 0;   // never-sent changes of a store never enrolled
    std::vector<std::string> new_items;  // ids of the new year's items the old one lacked
};

class LocalStore {
  public:
    // The store's file inside a home directory.
    static std::filesystem::path file_in(const std::filesystem::path& home);

    // Whether the file at `path` begins as every store does (an SQLite database's
    // header): a quick first check before a file given as a store is read.
    static bool looks_like_store(const std::filesystem::path& path);

    // Creates a new store at `path`. Refuses (ErrorCode::already_exists) when a
    // store is already there. The parent directory is created with mode 0700.
    static void create(const std::filesystem::path& path, std::string_view passphrase,
                       const CreateOptions& options);

    // Opens and unlocks an existing store (ErrorCode::not_found when there is none).
    // `wall` is the clock every change, and the hybrid clock stamping it, reads:
    // the system's, or a simulated one in tests.
    static std::unique_ptr<LocalStore> open(
        const std::filesystem::path& path, std::string_view passphrase,
        HybridClock::WallClock wall = &HybridClock::system_millis);

    ~LocalStore();
    LocalStore(const LocalStore&) = delete;
    LocalStore& operator=(const LocalStore&) = delete;

    const StoreInfo& info() const noexcept { return info_; }
    const standards::Pack& pack() const noexcept { return pack_; }

    // The item with this id in the store's pack; ErrorCode::not_found naming the
    // id and the year otherwise.
    const standards::Item& item(std::string_view item_id) const;

    // --- which assessment -------------------------------------------------
    // Answers, plan entries and evidence belong to an assessment, their scope:
    // "" for this store's own; a site's ODS code for a branch's assessment kept
    // on a headquarters device; kOrganisationScope for the organisation-wide
    // answers a branch device receives from headquarters, which it reads but
    // never writes. The commands below work on the scope chosen here ("" when
    // the store opens).
    static constexpr std::string_view kOrganisationScope = "*";
    void use_scope(std::string scope);
    const std::string& scope() const noexcept { return scope_; }

    // Where an item this assessment has not answered takes its answer from:
    // the organisation-wide answers (kOrganisationScope for the store's own
    // assessment on a branch device, "" for a branch's assessment on a
    // headquarters device); nullopt for the organisation-wide answers themselves.
    std::optional<std::string> fallback_scope() const;

    // A row's name in its sealed fields' associated data: the item alone in
    // the store's own assessment (as before scopes existed), "<scope>/<item>"
    // in another.
    static std::string row_key(std::string_view scope, std::string_view item_id);

    // --- answers ---------------------------------------------------------
    // The chosen assessment's own answers.
    std::optional<assessment::Answer> answer(std::string_view item_id);
    assessment::Answers answers();

    // The organisation-wide answer an item takes while this assessment has no
    // answer of its own.
    std::optional<assessment::Answer> inherited_answer(std::string_view item_id);

    // Sets an item's answer. `raw_value` is checked against the item's type
    // (assessment::normalise_value); when it is nullopt the existing value is
    // kept and only the comment changes (ErrorCode::failed_precondition if the
    // item has no answer yet). `comment` nullopt keeps the existing comment.
    // `always_record` writes the outbox entry even when the value does not
    // change, as resolving a conflict in favour of the value shown needs.
    void set_answer(std::string_view item_id, std::optional<std::string_view> raw_value,
                    std::optional<std::string_view> comment, std::string_view answered_by,
                    bool always_record = false);

    // Sets several answers in one transaction, all or none, each as
    // set_answer() would (a carried-over item among them is reviewed). Each
    // value is checked before anything is written.
    struct AnswerEdit {
        std::string item_id;
        std::optional<std::string> raw_value;  // nullopt keeps the value
        std::optional<std::string> comment;    // nullopt keeps the comment
    };
    void set_answers(const std::vector<AnswerEdit>& edits, std::string_view answered_by);

    // Removes an item's answer; ErrorCode::not_found when it has none.
    void clear_answer(std::string_view item_id);

    // --- action plan -----------------------------------------------------
    assessment::Plan plan();
    void set_plan_entry(const assessment::PlanEntry& entry);
    void remove_plan_entry(std::string_view item_id);

    // --- evidence --------------------------------------------------------
    EvidenceStore& evidence();

    // --- organisation profile ---------------------------------------------
    // Organisation-wide facts, the same for every standards year; they sync as
    // profile registers in the organisation-wide scope. A headquarters device
    // sets them; so may a store not yet enrolled, and the branch device of an
    // organisation with this one site and no headquarters, once it knows so
    // (set_single_site_organisation). On any other enrolled device setting
    // one is ErrorCode::forbidden ("the organisation profile is set by
    // headquarters ..."); it shows what was set.
    //
    // When the organisation's Cyber Essentials Plus certificate expires
    // (nullopt: it holds none). Decides Standards Exceeded.
    std::optional<Date> cyber_essentials_plus_expires();
    void set_cyber_essentials_plus_expires(std::optional<Date> expires);
    // A text fact (profile_fields.hpp): `field` a protocol::kProfile... name
    // other than Cyber Essentials Plus; nullopt when not set. Setting checks and
    // normalises the value (normalise_profile_text); nullopt unsets it.
    std::optional<std::string> profile_text(std::string_view field);
    void set_profile_text(std::string_view field, std::optional<std::string_view> value);
    // The person named as the organisation's data security lead (profile_text).
    std::optional<std::string> security_lead();
    void set_security_lead(std::optional<std::string_view> name);

    // The name recorded for this device's answers ('dspt init --user'), or
    // nothing when none was given.
    std::optional<std::string> author_name();
    // Records `raw` (normalised as below) as that name, for changes made from now on.
    void set_author_name(std::string_view raw);
    // `raw` trimmed: non-empty, at most protocol::kMaxAuthorBytes, no control
    // characters; Error(ErrorCode::invalid_argument) saying so otherwise.
    static std::string normalise_author_name(std::string_view raw);

    // Whether this device may set the profile, as above.
    bool may_set_profile();
    // Records whether this branch device's organisation has exactly one site and
    // no headquarters, as the server said (`dspt profile` asks it).
    void set_single_site_organisation(bool single_site);
    bool single_site_organisation();

    // Applies a profile register's pulled value, without an outbox entry.
    // `field` is a protocol::kProfileFields name; returns false (and changes
    // nothing) for a field or value this build does not know. Call inside a
    // transaction.
    bool write_profile_field(std::string_view field, const nlohmann::json& value);

    // --- a new standards year ---------------------------------------------
    // Begins the assessment of `options.pack`'s year from this store's year,
    // in the same file: device identity, keys and evidence chunks stay.
    //
    // First the finished year is copied (SQLite VACUUM INTO) to a store of its
    // own at file_in(options.archive_home), marked archived; it opens with the
    // same passphrase. Then, in one transaction: in every assessment, answers
    // and evidence of items in both packs are kept and marked to review;
    // those of other items, every plan entry and every conflict go; the sync
    // position restarts (the new year's registers pull from the start); the
    // year and pack change and the data key is wrapped again under
    // `passphrase`. A crash leaves the old year intact or the new one complete.
    //
    // Refused: a year not newer than the store's (invalid_argument); an
    // enrolled store with changes still to send (failed_precondition, "N
    // changes of <year> wait to sync: run dspt sync first"); an archive file
    // already there (already_exists); a wrong passphrase. A store never
    // enrolled drops its unsent changes of the old year (profile changes,
    // which belong to no year, stay) and numbers its outbox from 1 again,
    // since nothing of it was ever sent. The store object shows the new year
    // after.
    YearStartReport start_year(const YearStartOptions& options, std::string_view passphrase);

    // --- items carried over, to review -------------------------------------
    // An item carried over by start_year() counts towards no level until it is
    // reviewed: assessment() leaves out its answer and its carried evidence.
    // set_answer() of the item, or review(), clears the mark and releases its
    // carried evidence to upload for the new year; a pulled register of the
    // new year for the item (another device reviewed it) clears it too.
    //
    // The ids marked in `scope` (the chosen assessment's when omitted).
    std::set<std::string, std::less<>> items_to_review();
    std::set<std::string, std::less<>> items_to_review(std::string_view scope);

    // Confirms an item carried over as it stands: its answer is written again
    // (with an outbox entry), the mark goes and its carried evidence is
    // released. ErrorCode::failed_precondition when the item has nothing
    // carried over to review.
    void review(std::string_view item_id, std::string_view reviewed_by);

    // Clears a mark without an outbox entry, for a pulled register of the
    // item; call inside a transaction.
    void clear_review_mark(std::string_view scope, std::string_view item_id);

    // --- the whole assessment, the outbox, keys --------------------------
    // The chosen assessment, with organisation-wide answers filling the items
    // it has not answered itself.
    assessment::Assessment assessment();

    // Changes waiting to be synced.
    Outbox& outbox() noexcept { return *outbox_; }

    // Re-wraps the data key under a key derived from `new_passphrase` (a fresh
    // salt); answers, plans and evidence are not rewritten.
    void change_passphrase(std::string_view new_passphrase,
                           crypto::KdfStrength strength = crypto::KdfStrength::interactive);

    // For the store's own components (evidence, outbox).
    sqlite::Database& database() noexcept { return db_; }
    FieldSealer sealer() const noexcept { return FieldSealer(data_key_); }
    const crypto::SecretKey& data_key() const noexcept { return data_key_; }
    HybridClock& clock() noexcept { return clock_; }
    // Unix milliseconds now, by the wall clock the store was opened with.
    std::int64_t now_ms() const { return static_cast<std::int64_t>(wall_()); }

    // The rows themselves, sealed, without an outbox entry: for the commands
    // above and for values pulled from the server. Call inside a transaction.
    void write_answer_row(std::string_view scope, std::string_view item_id, std::string_view value,
                          std::string_view comment, std::string_view answered_by,
                          std::int64_t at_ms);
    void write_plan_row(std::string_view scope, std::string_view item_id,
                        std::string_view entry_json, std::int64_t at_ms);
    void delete_answer_row(std::string_view scope, std::string_view item_id);
    void delete_plan_row(std::string_view scope, std::string_view item_id);

    // ErrorCode::forbidden in the organisation-wide answers of a branch
    // device; ErrorCode::failed_precondition in an archived year.
    void require_writable() const;

  private:
    // set_answer()'s work inside the caller's transaction, with the value
    // already checked.
    void record_answer(const standards::Item& item, std::optional<std::string> value,
                       std::optional<std::string_view> comment, std::string_view answered_by,
                       bool always_record);
    std::optional<assessment::Answer> read_answer(std::string_view scope, std::string_view item_id);
    assessment::Answers read_answers(std::string_view scope);
    void require_not_archived() const;
    void set_profile_field(std::string_view field, std::string_view meta_key,
                           const nlohmann::json& payload, std::string_view meta_value);
    void release_carried(std::string_view scope, std::string_view item_id);

    LocalStore(sqlite::Database db, crypto::SecretKey data_key, standards::Pack pack,
               StoreInfo info, HlcTime last_time, HybridClock::WallClock wall);

    sqlite::Database db_;
    crypto::SecretKey data_key_;
    standards::Pack pack_;
    StoreInfo info_;
    HybridClock::WallClock wall_;
    HybridClock clock_;
    std::unique_ptr<Outbox> outbox_;
    std::unique_ptr<EvidenceStore> evidence_;
    std::string scope_;
};

}  // namespace dspt::client
