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
// transaction: either both are there or neither is (ARCHITECTURE.md s4).
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
#include <string>
#include <string_view>
#include <vector>

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
};

struct CreateOptions {
    std::string site_name;
    // The standards pack; the store keeps its own copy, so a store created from
    // an imported pack keeps working with any build.
    standards::Pack pack;
    bool custom_pack = false;
    crypto::KdfStrength kdf_strength = crypto::KdfStrength::interactive;
};

class LocalStore {
  public:
    // The store's file inside a home directory.
    static std::filesystem::path file_in(const std::filesystem::path& home);

    // Creates a new store at `path`. Refuses (ErrorCode::already_exists) when a
    // store is already there. The parent directory is created with mode 0700.
    static void create(const std::filesystem::path& path, std::string_view passphrase,
                       const CreateOptions& options);

    // Opens and unlocks an existing store (ErrorCode::not_found when there is none).
    static std::unique_ptr<LocalStore> open(const std::filesystem::path& path,
                                            std::string_view passphrase);

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

    // Removes an item's answer; ErrorCode::not_found when it has none.
    void clear_answer(std::string_view item_id);

    // --- action plan -----------------------------------------------------
    assessment::Plan plan();
    void set_plan_entry(const assessment::PlanEntry& entry);
    void remove_plan_entry(std::string_view item_id);

    // --- evidence --------------------------------------------------------
    EvidenceStore& evidence();

    // --- organisation profile ---------------------------------------------
    // When the organisation's Cyber Essentials Plus certificate expires
    // (nullopt: it holds none). Decides Standards Exceeded.
    std::optional<Date> cyber_essentials_plus_expires();
    void set_cyber_essentials_plus_expires(std::optional<Date> expires);

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

    // The rows themselves, sealed, without an outbox entry: for the commands
    // above and for values pulled from the server. Call inside a transaction.
    void write_answer_row(std::string_view scope, std::string_view item_id, std::string_view value,
                          std::string_view comment, std::string_view answered_by,
                          std::int64_t at_ms);
    void write_plan_row(std::string_view scope, std::string_view item_id,
                        std::string_view entry_json, std::int64_t at_ms);
    void delete_answer_row(std::string_view scope, std::string_view item_id);
    void delete_plan_row(std::string_view scope, std::string_view item_id);

  private:
    std::optional<assessment::Answer> read_answer(std::string_view scope, std::string_view item_id);
    assessment::Answers read_answers(std::string_view scope);
    void require_writable() const;

    LocalStore(sqlite::Database db, crypto::SecretKey data_key, standards::Pack pack,
               StoreInfo info, HlcTime last_time);

    sqlite::Database db_;
    crypto::SecretKey data_key_;
    standards::Pack pack_;
    StoreInfo info_;
    HybridClock clock_;
    std::unique_ptr<Outbox> outbox_;
    std::unique_ptr<EvidenceStore> evidence_;
    std::string scope_;
};

}  // namespace dspt::client
