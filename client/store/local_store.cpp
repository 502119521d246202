#include "client/store/local_store.hpp"

#include <cstring>
#include <fstream>
#include <sys/stat.h>

#include "client/store/evidence_store.hpp"
#include "client/store/identity_store.hpp"
#include "client/store/key_record.hpp"
#include "client/store/meta_table.hpp"
#include "client/store/profile_fields.hpp"
#include "client/store/schema.hpp"
#include "common/assessment/evaluator.hpp"
#include "common/crypto/random.hpp"
#include "common/error.hpp"
#include "common/sqlite/statement.hpp"
#include "common/sqlite/transaction.hpp"
#include "common/standards/bundled.hpp"
#include "common/standards/loader.hpp"
#include "common/text.hpp"
#include "protocol/limits.hpp"
#include "protocol/register_key.hpp"

namespace dspt::client {

namespace {

using key_record::kStoreFormat;
constexpr std::string_view kAnswers = "answers";
constexpr std::string_view kPlan = "plan_entries";
constexpr std::string_view kToReview = "to_review";
constexpr std::string_view kProfileExpiry = "cyber_essentials_plus_expires";
// Set on the branch device of an organisation with one site and no
// headquarters, which sets its own profile (LocalStore::may_set_profile).
constexpr std::string_view kSingleSiteOrganisation = "single_site_organisation";

// Whether the file starts with SQLite's header. Every store does: the header is
// written when the file is switched to WAL mode, before anything else.
bool has_sqlite_header(const std::filesystem::path& path) {
    static constexpr char kHeader[] = "SQLite format 3";  // and its NUL: 16 bytes
    std::ifstream in(path, std::ios::binary);
    char header[sizeof kHeader] = {};
    in.read(header, sizeof header);
    return in.gcount() == static_cast<std::streamsize>(sizeof header) &&
           std::memcmp(header, kHeader, sizeof header) == 0;
}

// Whether `db` has a client store's schema at some version: a user_version set
// by migrate_client_store() and the meta table every version has.
bool has_store_schema(sqlite::Database& db) {
    if (db.user_version() == 0) {
        return false;
    }
    sqlite::Statement meta_table(
        db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
    return meta_table.step();
}

// Deletes an item's row of one assessment from `table`, one of the constants
// above (never input).
void delete_item_row(sqlite::Database& db, std::string_view table, std::string_view scope,
                     std::string_view item_id) {
    sqlite::Statement remove(
        db, "DELETE FROM " + std::string(table) + " WHERE scope = ?1 AND item_id = ?2");
    remove.bind(1, scope);
    remove.bind(2, item_id);
    remove.execute();
}

std::string answer_what(std::string_view item_id) {
    return "answer to item " + std::string(item_id);
}

}  // namespace

std::filesystem::path LocalStore::file_in(const std::filesystem::path& home) {
    return home / "store.db";
}

bool LocalStore::looks_like_store(const std::filesystem::path& path) {
    return has_sqlite_header(path);
}

void LocalStore::create(const std::filesystem::path& path, std::string_view passphrase,
                        const CreateOptions& options) {
    if (std::filesystem::exists(path)) {
        fail(ErrorCode::already_exists,
             "a store already exists at " + path.string() + "; dspt init never overwrites one");
    }
    if (passphrase.empty()) {
        fail(ErrorCode::invalid_argument, "the passphrase must not be empty");
    }
    standards::validate_pack(options.pack, options.pack.year);
    const auto dir = path.parent_path();
    if (!dir.empty() && !std::filesystem::exists(dir)) {
        std::filesystem::create_directories(dir);
        std::filesystem::permissions(dir, std::filesystem::perms::owner_all);
    }

    sqlite::Database db(path);
    ::chmod(path.c_str(), 0600);
    migrate_client_store(db);
    sqlite::Transaction tx(db, sqlite::TransactionBehavior::immediate);
    if (meta::get(db, meta::kFormat)) {
        fail(ErrorCode::already_exists, "a store already exists at " + path.string());
    }
    meta::set(db, meta::kFormat, kStoreFormat);
    meta::set(db, meta::kYear, options.pack.year);
    meta::set(db, meta::kSiteName, options.site_name);
    meta::set(db, meta::kReplicaId, crypto::random_uuid());
    meta::set(db, meta::kCreatedAt, std::to_string(options.wall()));
    meta::set(db, meta::kCustomPack, options.custom_pack ? "1" : "0");
    if (options.custom_pack) {
        meta::set(db, meta::kPack, standards::pack_to_json(options.pack));
    }
    meta::set(db, meta::kNextSeq, "1");
    meta::set(db, meta::kHlc, "0");
    const auto data_key = crypto::SecretKey::generate();
    key_record::write(db, data_key, passphrase, crypto::KdfParams::generate(options.kdf_strength));
    if (!options.author_name.empty()) {
        const auto name = normalise_author_name(options.author_name);
        const auto sealed = FieldSealer(data_key).seal("meta", meta::kAuthorName, "value", name);
        meta::set(db, meta::kAuthorName,
                  std::string_view(reinterpret_cast<const char*>(sealed.data()), sealed.size()));
    }
    tx.commit();
}

std::unique_ptr<LocalStore> LocalStore::open(const std::filesystem::path& path,
                                             std::string_view passphrase,
                                             HybridClock::WallClock wall) {
    if (!std::filesystem::exists(path)) {
        fail(ErrorCode::not_found,
             "no store at " + path.string() + "; create one with 'dspt init'");
    }
    // Only a file that already holds a store's schema is migrated: another
    // program's database, an empty file or any other file is refused as it is.
    // (Opening a connection would write a database header into an empty file.)
    if (!has_sqlite_header(path)) {
        fail(ErrorCode::corrupt, path.string() + " is not a dspt store");
    }
    sqlite::Database db(path, {sqlite::OpenMode::read_write});
    if (!has_store_schema(db)) {
        fail(ErrorCode::corrupt, path.string() + " is not a dspt store");
    }
    migrate_client_store(db);
    if (meta::get(db, meta::kFormat) != std::string(kStoreFormat)) {
        fail(ErrorCode::corrupt, path.string() + " is not a dspt store");
    }
    auto data_key = key_record::unlock(db, passphrase);

    StoreInfo info;
    info.year = meta::require(db, meta::kYear);
    info.site_name = meta::require(db, meta::kSiteName);
    info.replica_id =
        meta::get(db, meta::kSyncReplicaId).value_or(meta::require(db, meta::kReplicaId));
    info.created_at_ms = meta::require_int(db, meta::kCreatedAt);
    info.custom_pack = meta::get(db, meta::kCustomPack) == "1";
    info.archived = meta::get(db, meta::kArchived) == "1";
    standards::Pack pack = info.custom_pack
                               ? standards::parse_pack_json(meta::require(db, meta::kPack),
                                                            "the store's standards pack")
                               : standards::bundled_pack(info.year);
    const auto last =
        HlcTime::from_raw(static_cast<std::uint64_t>(meta::require_int(db, meta::kHlc)));
    return std::unique_ptr<LocalStore>(new LocalStore(std::move(db), std::move(data_key),
                                                      std::move(pack), std::move(info), last,
                                                      std::move(wall)));
}

LocalStore::LocalStore(sqlite::Database db, crypto::SecretKey data_key, standards::Pack pack,
                       StoreInfo info, HlcTime last_time, HybridClock::WallClock wall)
    : db_(std::move(db)),
      data_key_(std::move(data_key)),
      pack_(std::move(pack)),
      info_(std::move(info)),
      wall_(std::move(wall)),
      clock_(wall_, last_time),
      outbox_(std::make_unique<Outbox>(db_, data_key_, info_.replica_id, clock_)),
      evidence_(std::make_unique<EvidenceStore>(*this)) {}

LocalStore::~LocalStore() = default;

const standards::Item& LocalStore::item(std::string_view item_id) const {
    const auto* found = pack_.find(item_id);
    if (found == nullptr) {
        fail(ErrorCode::not_found,
             "there is no item " + std::string(item_id) + " in the " + pack_.year + " standards");
    }
    return *found;
}

void LocalStore::use_scope(std::string scope) {
    scope_ = std::move(scope);
}

std::optional<std::string> LocalStore::fallback_scope() const {
    if (scope_.empty()) {
        return std::string(kOrganisationScope);
    }
    if (scope_ == kOrganisationScope) {
        return std::nullopt;
    }
    return std::string();
}

std::string LocalStore::row_key(std::string_view scope, std::string_view item_id) {
    return scope.empty() ? std::string(item_id) : std::string(scope) + "/" + std::string(item_id);
}

void LocalStore::require_not_archived() const {
    if (info_.archived) {
        fail(ErrorCode::failed_precondition,
             "this is the kept copy of the finished " + info_.year +
                 " assessment: it can be read and exported, not changed or synced");
    }
}

void LocalStore::require_writable() const {
    require_not_archived();
    if (scope_ == kOrganisationScope) {
        fail(ErrorCode::forbidden, "the organisation-wide answers are written by headquarters");
    }
}

std::optional<assessment::Answer> LocalStore::read_answer(std::string_view scope,
                                                          std::string_view item_id) {
    sqlite::Statement select(db_,
                             "SELECT value, comment, answered_by, updated_at FROM answers"
                             " WHERE scope = ?1 AND item_id = ?2");
    select.bind(1, scope);
    select.bind(2, item_id);
    if (!select.step()) {
        return std::nullopt;
    }
    const auto sealer = this->sealer();
    const auto what = answer_what(item_id);
    const auto row = row_key(scope, item_id);
    assessment::Answer answer;
    answer.value = sealer.open(kAnswers, row, "value", select.column_blob(0), what);
    answer.comment = sealer.open(kAnswers, row, "comment", select.column_blob(1), what);
    answer.answered_by = sealer.open(kAnswers, row, "answered_by", select.column_blob(2), what);
    answer.answered_at_ms = select.column_int64(3);
    return answer;
}

assessment::Answers LocalStore::read_answers(std::string_view scope) {
    sqlite::Statement select(db_,
                             "SELECT item_id, value, comment, answered_by, updated_at"
                             " FROM answers WHERE scope = ?1 ORDER BY item_id");
    select.bind(1, scope);
    const auto sealer = this->sealer();
    assessment::Answers result;
    while (select.step()) {
        const auto item_id = select.column_text(0);
        const auto what = answer_what(item_id);
        const auto row = row_key(scope, item_id);
        assessment::Answer answer;
        answer.value = sealer.open(kAnswers, row, "value", select.column_blob(1), what);
        answer.comment = sealer.open(kAnswers, row, "comment", select.column_blob(2), what);
        answer.answered_by = sealer.open(kAnswers, row, "answered_by", select.column_blob(3), what);
        answer.answered_at_ms = select.column_int64(4);
        result.emplace(item_id, std::move(answer));
    }
    return result;
}

std::optional<assessment::Answer> LocalStore::answer(std::string_view item_id) {
    return read_answer(scope_, item_id);
}

assessment::Answers LocalStore::answers() {
    return read_answers(scope_);
}

std::optional<assessment::Answer> LocalStore::inherited_answer(std::string_view item_id) {
    const auto fallback = fallback_scope();
    return fallback ? read_answer(*fallback, item_id) : std::nullopt;
}

void LocalStore::set_answer(std::string_view item_id, std::optional<std::string_view> raw_value,
                            std::optional<std::string_view> comment, std::string_view answered_by,
                            bool always_record) {
    const auto& item = this->item(item_id);
    require_writable();
    std::optional<std::string> value;
    if (raw_value) {
        value = assessment::normalise_value(item, *raw_value);
    }
    sqlite::Transaction tx(db_, sqlite::TransactionBehavior::immediate);
    record_answer(item, std::move(value), comment, answered_by, always_record);
    tx.commit();
}

void LocalStore::set_answers(const std::vector<AnswerEdit>& edits, std::string_view answered_by) {
    require_writable();
    std::vector<std::optional<std::string>> values;
    values.reserve(edits.size());
    for (const auto& edit : edits) {
        const auto& item = this->item(edit.item_id);
        values.push_back(edit.raw_value ? std::optional<std::string>(
                                              assessment::normalise_value(item, *edit.raw_value))
                                        : std::nullopt);
    }
    sqlite::Transaction tx(db_, sqlite::TransactionBehavior::immediate);
    for (std::size_t i = 0; i < edits.size(); ++i) {
        std::optional<std::string_view> comment;
        if (edits[i].comment) {
            comment = *edits[i].comment;
        }
        record_answer(item(edits[i].item_id), std::move(values[i]), comment, answered_by, false);
    }
    tx.commit();
}

void LocalStore::record_answer(const standards::Item& item, std::optional<std::string> value,
                               std::optional<std::string_view> comment,
                               std::string_view answered_by, bool always_record) {
    const auto existing = answer(item.id);
    // Saving an item carried over from the previous year reviews it, even
    // with its value unchanged.
    always_record = always_record || items_to_review(scope_).contains(item.id);
    if (!value) {
        if (!existing) {
            fail(ErrorCode::failed_precondition,
                 "item " + item.id + " has no answer yet: give a value with the comment");
        }
        value = existing->value;
    }
    const std::string new_comment =
        comment ? std::string(*comment) : (existing ? existing->comment : std::string());
    if (!always_record && existing && existing->value == *value &&
        existing->comment == new_comment) {
        return;  // nothing changes, so nothing is recorded
    }

    // The row keeps the change's HLC time, the time every other device shows.
    const auto at = outbox_->append("answer/" + item.id,
                                    {{"item", item.id},
                                     {"value", *value},
                                     {"comment", new_comment},
                                     {"answered_by", answered_by}},
                                    now_ms(), scope_);
    write_answer_row(scope_, item.id, *value, new_comment, answered_by,
                     static_cast<std::int64_t>(at.millis()));
    release_carried(scope_, item.id);
}

void LocalStore::clear_answer(std::string_view item_id) {
    const auto& item = this->item(item_id);
    require_writable();
    sqlite::Transaction tx(db_, sqlite::TransactionBehavior::immediate);
    delete_answer_row(scope_, item.id);
    if (db_.changes() == 0) {
        fail(ErrorCode::not_found, "item " + item.id + " has no answer to clear");
    }
    outbox_->append("answer/" + item.id, {{"item", item.id}, {"deleted", true}}, now_ms(), scope_);
    // A carried item keeps its mark while carried evidence remains to review.
    sqlite::Statement unmark(
        db_,
        "DELETE FROM to_review WHERE scope = ?1 AND item_id = ?2 AND NOT EXISTS"
        " (SELECT 1 FROM evidence WHERE scope = ?1 AND item_id = ?2 AND"
        " transfer = ?3)");
    unmark.bind(1, scope_);
    unmark.bind(2, item.id);
    unmark.bind(3, static_cast<std::int64_t>(EvidenceTransfer::carried));
    unmark.execute();
    tx.commit();
}

assessment::Plan LocalStore::plan() {
    sqlite::Statement select(
        db_, "SELECT item_id, entry FROM plan_entries WHERE scope = ?1 ORDER BY item_id");
    select.bind(1, scope_);
    const auto sealer = this->sealer();
    assessment::Plan result;
    while (select.step()) {
        const auto item_id = select.column_text(0);
        const auto what = "action plan entry for item " + item_id;
        const auto text =
            sealer.open(kPlan, row_key(scope_, item_id), "entry", select.column_blob(1), what);
        const auto json = nlohmann::json::parse(text, nullptr, false);
        const auto due = json.is_object() ? Date::parse(json.value("due", "")) : std::nullopt;
        if (!due) {
            fail(ErrorCode::corrupt, "the stored " + what + " is damaged");
        }
        result.emplace(item_id, assessment::PlanEntry{item_id, json.value("action", ""),
                                                      json.value("owner", ""), *due});
    }
    return result;
}

void LocalStore::write_answer_row(std::string_view scope, std::string_view item_id,
                                  std::string_view value, std::string_view comment,
                                  std::string_view answered_by, std::int64_t at_ms) {
    const auto sealer = this->sealer();
    const auto row = row_key(scope, item_id);
    sqlite::Statement upsert(
        db_,
        "INSERT INTO answers(scope, item_id, value, comment, answered_by, updated_at)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(scope, item_id) DO UPDATE SET"
        " value = excluded.value, comment = excluded.comment,"
        " answered_by = excluded.answered_by, updated_at = excluded.updated_at");
    upsert.bind(1, scope);
    upsert.bind(2, item_id);
    upsert.bind(3, sqlite::Blob(sealer.seal(kAnswers, row, "value", value)));
    upsert.bind(4, sqlite::Blob(sealer.seal(kAnswers, row, "comment", comment)));
    upsert.bind(5, sqlite::Blob(sealer.seal(kAnswers, row, "answered_by", answered_by)));
    upsert.bind(6, at_ms);
    upsert.execute();
}

void LocalStore::write_plan_row(std::string_view scope, std::string_view item_id,
                                std::string_view entry_json, std::int64_t at_ms) {
    sqlite::Statement upsert(
        db_,
        "INSERT INTO plan_entries(scope, item_id, entry, updated_at) VALUES(?1, ?2, ?3, ?4)"
        " ON CONFLICT(scope, item_id) DO UPDATE SET entry = excluded.entry,"
        " updated_at = excluded.updated_at");
    upsert.bind(1, scope);
    upsert.bind(2, item_id);
    upsert.bind(3,
                sqlite::Blob(sealer().seal(kPlan, row_key(scope, item_id), "entry", entry_json)));
    upsert.bind(4, at_ms);
    upsert.execute();
}

void LocalStore::delete_answer_row(std::string_view scope, std::string_view item_id) {
    delete_item_row(db_, kAnswers, scope, item_id);
}

void LocalStore::delete_plan_row(std::string_view scope, std::string_view item_id) {
    delete_item_row(db_, kPlan, scope, item_id);
}

void LocalStore::set_plan_entry(const assessment::PlanEntry& entry) {
    const auto& item = this->item(entry.item_id);
    require_writable();
    auto blank = [](const std::string& s) {
        return s.find_first_not_of(" \t\r\n") == std::string::npos;
    };
    if (blank(entry.action)) {
        fail(ErrorCode::invalid_argument, "the action for item " + item.id + " is empty");
    }
    if (blank(entry.owner)) {
        fail(ErrorCode::invalid_argument, "the action for item " + item.id + " needs an owner");
    }
    const nlohmann::json json = {{"item", item.id},
                                 {"action", entry.action},
                                 {"owner", entry.owner},
                                 {"due", entry.due.to_string()}};
    sqlite::Transaction tx(db_, sqlite::TransactionBehavior::immediate);
    const auto at = outbox_->append("plan/" + item.id, json, now_ms(), scope_);
    write_plan_row(scope_, item.id, json.dump(), static_cast<std::int64_t>(at.millis()));
    tx.commit();
}

void LocalStore::remove_plan_entry(std::string_view item_id) {
    const auto& item = this->item(item_id);
    require_writable();
    sqlite::Transaction tx(db_, sqlite::TransactionBehavior::immediate);
    delete_plan_row(scope_, item.id);
    if (db_.changes() == 0) {
        fail(ErrorCode::not_found, "item " + item.id + " has no action plan entry");
    }
    outbox_->append("plan/" + item.id, {{"item", item.id}, {"deleted", true}}, now_ms(), scope_);
    tx.commit();
}

std::optional<Date> LocalStore::cyber_essentials_plus_expires() {
    const auto value = meta::get(db_, kProfileExpiry);
    if (!value || value->empty()) {
        return std::nullopt;
    }
    return Date::parse(*value);
}

void LocalStore::set_cyber_essentials_plus_expires(std::optional<Date> expires) {
    const auto text = expires ? expires->to_string() : std::string();
    set_profile_field(
        protocol::kProfileCyberEssentialsPlus, kProfileExpiry,
        expires ? nlohmann::json{{"expires", text}} : nlohmann::json{{"deleted", true}}, text);
}

std::string LocalStore::normalise_author_name(std::string_view raw) {
    const auto name = trim(raw);
    if (name.empty()) {
        fail(ErrorCode::invalid_argument,
             "the name is empty: give the name people should see on the answers made here, "
             "e.g. Sam Patel");
    }
    if (name.size() > protocol::kMaxAuthorBytes) {
        fail(ErrorCode::invalid_argument, "the author name is longer than " +
                                              std::to_string(protocol::kMaxAuthorBytes) +
                                              " bytes: give a shorter one");
    }
    for (const char c : name) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            fail(ErrorCode::invalid_argument,
                 "the author name holds a control character: give it as plain text");
        }
    }
    return std::string(name);
}

std::optional<std::string> LocalStore::author_name() {
    const auto sealed = meta::get(db_, meta::kAuthorName);
    if (!sealed || sealed->empty()) {
        return std::nullopt;
    }
    return sealer().open("meta", meta::kAuthorName, "value", crypto::as_byte_view(*sealed),
                         "the author name");
}

void LocalStore::set_author_name(std::string_view raw) {
    const auto name = normalise_author_name(raw);
    const auto sealed = sealer().seal("meta", meta::kAuthorName, "value", name);
    meta::set(db_, meta::kAuthorName,
              std::string_view(reinterpret_cast<const char*>(sealed.data()), sealed.size()));
}

std::optional<std::string> LocalStore::security_lead() {
    return profile_text(protocol::kProfileSecurityLead);
}

void LocalStore::set_security_lead(std::optional<std::string_view> name) {
    set_profile_text(protocol::kProfileSecurityLead, name);
}

namespace {

const ProfileTextField& text_field(std::string_view field) {
    const auto* found = find_profile_text_field(field);
    if (found == nullptr) {
        fail(ErrorCode::invalid_argument,
             "the organisation profile has no text field " + std::string(field));
    }
    return *found;
}

}  // namespace

std::optional<std::string> LocalStore::profile_text(std::string_view field) {
    // The meta row of a text field is named as its register.
    auto value = meta::get(db_, text_field(field).field);
    if (!value || value->empty()) {
        return std::nullopt;
    }
    return value;
}

void LocalStore::set_profile_text(std::string_view field, std::optional<std::string_view> value) {
    const auto& spec = text_field(field);
    const auto text = value ? normalise_profile_text(spec, *value) : std::string();
    set_profile_field(
        spec.field, spec.field,
        value ? nlohmann::json{{spec.json_key, text}} : nlohmann::json{{"deleted", true}}, text);
}

bool LocalStore::may_set_profile() {
    const auto identity = load_identity(*this);
    if (!identity || identity->role == protocol::Role::headquarters) {
        return true;
    }
    return identity->role == protocol::Role::branch && single_site_organisation();
}

bool LocalStore::single_site_organisation() {
    return meta::get(db_, kSingleSiteOrganisation).value_or("") == "1";
}

void LocalStore::set_single_site_organisation(bool single_site) {
    meta::set(db_, kSingleSiteOrganisation, single_site ? "1" : "0");
}

void LocalStore::set_profile_field(std::string_view field, std::string_view meta_key,
                                   const nlohmann::json& payload, std::string_view meta_value) {
    require_not_archived();
    if (!may_set_profile()) {
        fail(ErrorCode::forbidden,
             "the organisation profile is set by headquarters (a branch device sets it only "
             "when its organisation has this one site and no headquarters)");
    }
    sqlite::Transaction tx(db_, sqlite::TransactionBehavior::immediate);
    meta::set(db_, meta_key, meta_value);
    // Organisation-wide whatever assessment is chosen: the sync engine sends
    // profile registers in the organisation's scope.
    outbox_->append("profile/" + std::string(field), payload, now_ms());
    tx.commit();
}

bool LocalStore::write_profile_field(std::string_view field, const nlohmann::json& value) {
    const bool deleted = value.value("deleted", false);
    if (field == protocol::kProfileCyberEssentialsPlus) {
        const auto expires = value.contains("expires") && value["expires"].is_string()
                                 ? Date::parse(value["expires"].get<std::string>())
                                 : std::nullopt;
        if (!deleted && !expires) {
            return false;
        }
        meta::set(db_, kProfileExpiry, deleted ? std::string() : expires->to_string());
        return true;
    }
    const auto* spec = find_profile_text_field(field);
    if (spec == nullptr) {
        return false;
    }
    const std::string key(spec->json_key);
    const auto text = value.contains(key) && value[key].is_string() ? value[key].get<std::string>()
                                                                    : std::string();
    if (!deleted && !is_profile_text(*spec, text)) {
        return false;
    }
    meta::set(db_, spec->field, deleted ? std::string() : text);
    return true;
}

std::set<std::string, std::less<>> LocalStore::items_to_review() {
    return items_to_review(scope_);
}

std::set<std::string, std::less<>> LocalStore::items_to_review(std::string_view scope) {
    sqlite::Statement select(db_, "SELECT item_id FROM to_review WHERE scope = ?1");
    select.bind(1, scope);
    std::set<std::string, std::less<>> items;
    while (select.step()) {
        items.insert(select.column_text(0));
    }
    return items;
}

void LocalStore::review(std::string_view item_id, std::string_view reviewed_by) {
    const auto& item = this->item(item_id);
    require_writable();
    sqlite::Statement carried(db_,
                              "SELECT COUNT(*) FROM evidence WHERE scope = ?1 AND item_id = ?2 AND"
                              " transfer = ?3");
    carried.bind(1, scope_);
    carried.bind(2, item.id);
    carried.bind(3, static_cast<std::int64_t>(EvidenceTransfer::carried));
    carried.step();
    if (!items_to_review(scope_).contains(item.id) && carried.column_int64(0) == 0) {
        fail(ErrorCode::failed_precondition,
             "item " + item.id + " has nothing carried over from the previous year to review");
    }
    if (answer(item.id)) {
        // Written again as it stands: the new year's register gets its value.
        set_answer(item.id, std::nullopt, std::nullopt, reviewed_by, true);
        return;
    }
    sqlite::Transaction tx(db_, sqlite::TransactionBehavior::immediate);
    release_carried(scope_, item.id);
    tx.commit();
}

void LocalStore::clear_review_mark(std::string_view scope, std::string_view item_id) {
    delete_item_row(db_, kToReview, scope, item_id);
}

// Clears an item's mark and lets its carried evidence upload for the new year:
// the server still holds the chunks, so only the file's new register travels.
void LocalStore::release_carried(std::string_view scope, std::string_view item_id) {
    clear_review_mark(scope, item_id);
    sqlite::Statement release(db_,
                              "UPDATE evidence SET transfer = ?4 WHERE scope = ?1 AND item_id = ?2"
                              " AND transfer = ?3");
    release.bind(1, scope);
    release.bind(2, item_id);
    release.bind(3, static_cast<std::int64_t>(EvidenceTransfer::carried));
    release.bind(4, static_cast<std::int64_t>(EvidenceTransfer::to_upload));
    release.execute();
}

EvidenceStore& LocalStore::evidence() {
    return *evidence_;
}

assessment::Assessment LocalStore::assessment() {
    // Items carried over from the previous year count once reviewed; until then
    // neither their own answer nor an organisation-wide one stands in for it.
    const auto own_marks = items_to_review(scope_);
    assessment::Assessment result;
    for (auto& [item_id, answer] : answers()) {
        if (!own_marks.contains(item_id)) {
            result.answers.emplace(item_id, std::move(answer));
        }
    }
    if (const auto fallback = fallback_scope()) {
        const auto fallback_marks = items_to_review(*fallback);
        for (auto& [item_id, answer] : read_answers(*fallback)) {
            if (!own_marks.contains(item_id) && !fallback_marks.contains(item_id)) {
                result.answers.try_emplace(item_id, std::move(answer));  // its own answer wins
            }
        }
    }
    result.plan = plan();
    for (const auto& file : evidence_->list(std::nullopt)) {
        if (file.transfer != EvidenceTransfer::carried) {
            result.evidence.push_back({file.id, file.item_id, file.name, file.size});
        }
    }
    result.profile.cyber_essentials_plus_expires = cyber_essentials_plus_expires();
    return result;
}

void LocalStore::change_passphrase(std::string_view new_passphrase, crypto::KdfStrength strength) {
    if (new_passphrase.empty()) {
        fail(ErrorCode::invalid_argument, "the new passphrase must not be empty");
    }
    sqlite::Transaction tx(db_, sqlite::TransactionBehavior::immediate);
    key_record::write(db_, data_key_, new_passphrase, crypto::KdfParams::generate(strength));
    tx.commit();
}

}  // namespace dspt::client
