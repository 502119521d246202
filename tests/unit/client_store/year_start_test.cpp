// `dspt year start` in the store: the finished year is kept as a store of its
// own, answers and evidence of items in both years carry over to review and
// count only once reviewed, the rest stays behind, and nothing of the old year
// can be sent under the new year's keys.

#include <algorithm>

#include <catch2/catch.hpp>

#include "client/store/evidence_transfer.hpp"
#include "client/store/identity_store.hpp"
#include "client/store/sync_state.hpp"
#include "common/assessment/evaluator.hpp"
#include "tests/unit/client_store/store_fixture.hpp"

using namespace dspt;
using namespace dspt::client;
using namespace dspt::client::test;

namespace {

constexpr std::string_view kOldYear = "2024-25";
constexpr std::string_view kNewYear = "2025-26";
// An item of the old year's (imported) pack that 2025-26 does not have.
constexpr std::string_view kRetiredItem = "1.9.9";

// The bundled 2024-25 pack with one more item, which 2025-26 lacks.
standards::Pack old_pack_with_retired_item() {
    auto pack = standards::bundled_pack(kOldYear);
    standards::Item retired;
    retired.id = std::string(kRetiredItem);
    retired.standard = 1;
    retired.title = "A retired question";
    retired.question = "Is this asked any more?";
    retired.type = standards::AnswerType::confirm;
    const auto at = std::find_if(pack.items.begin(), pack.items.end(),
                                 [](const standards::Item& item) { return item.standard > 1; });
    pack.items.insert(at, retired);
    return pack;
}

CreateOptions old_year_options(bool retired_item = true) {
    auto options = test_options();
    options.pack = retired_item ? old_pack_with_retired_item() : standards::bundled_pack(kOldYear);
    options.custom_pack = retired_item;
    return options;
}

YearStartOptions new_year(const StoreHome& home) {
    return {standards::bundled_pack(kNewYear), false, home.dir.path() / "home" / "years" / "old"};
}

std::string satisfying_value(const standards::Item& item) {
    switch (item.type) {
        case standards::AnswerType::confirm:
            return "yes";
        case standards::AnswerType::text:
            return "Named in the policy";
        case standards::AnswerType::date:
            return "2025-03-01";
        case standards::AnswerType::document:
            return "Office cabinet";
    }
    return "yes";
}

// Answers every item mandatory for Approaching Standards; returns their ids.
std::vector<std::string> answer_approaching(LocalStore& store) {
    std::vector<std::string> ids;
    for (const auto& item : store.pack().items) {
        if (item.mandatory_approaching) {
            store.set_answer(item.id, satisfying_value(item), std::nullopt, "Manager");
            ids.push_back(item.id);
        }
    }
    return ids;
}

standards::Level level_of(LocalStore& store) {
    return assessment::evaluate(store.pack(), store.assessment(), *Date::parse("2025-10-01")).level;
}

DeviceIdentity device(protocol::Role role) {
    DeviceIdentity identity;
    identity.server_url = "http://127.0.0.1:9";
    identity.device_id = "device-1";
    identity.role = role;
    identity.organisation_ods = "AB1";
    identity.organisation_name = "Acorn Homecare";
    identity.site_ods = role == protocol::Role::branch ? "VA1B2" : "";
    identity.signing = crypto::SigningKeyPair::generate();
    identity.box = crypto::BoxKeyPair::generate();
    return identity;
}

}  // namespace

TEST_CASE("a new year carries answers of items in both years to review and drops the rest",
          "[unit][client_store]") {
    StoreHome home(old_year_options());
    auto store = home.open();
    const auto approaching = answer_approaching(*store);
    store->set_answer(kRetiredItem, "yes", std::nullopt, "Manager");
    store->set_plan_entry(plan_entry("3.2.1", "Book the training"));
    const auto kept = store->evidence().add(kDocumentItem, home.make_file("ropa.pdf", "ROPA"));
    const auto retired_file =
        store->evidence().add(kRetiredItem, home.make_file("old.pdf", "RETIRED-FILE"));
    REQUIRE(level_of(*store) == standards::Level::approaching);

    const auto report = store->start_year(new_year(home), kPassphrase);
    CHECK(report.old_year == kOldYear);
    CHECK(report.new_year == kNewYear);
    CHECK(report.answers_to_review == approaching.size());
    CHECK(report.answers_dropped == 1);
    CHECK(report.evidence_to_review == 1);
    CHECK(report.evidence_dropped == 1);
    CHECK(report.plan_entries_dropped == 1);
    CHECK(report.new_items ==
          std::vector<std::string>{"4.3.1", "7.1.1", "7.1.5", "7.1.6", "8.3.8"});
    CHECK(store->info().year == kNewYear);
    CHECK_FALSE(store->info().custom_pack);

    // Kept, marked to review, and counting for nothing until reviewed.
    const auto marks = store->items_to_review();
    for (const auto& id : approaching) {
        CHECK(marks.contains(id));
        CHECK(store->answer(id).has_value());
    }
    CHECK(marks.size() == approaching.size());  // 1.1.2 is among them, with its file
    CHECK(level_of(*store) == standards::Level::none);
    CHECK(store->assessment().answers.empty());
    CHECK(store->assessment().evidence.empty());
    CHECK(store->evidence().find(kept.id).transfer == EvidenceTransfer::carried);
    CHECK(home.read_evidence(*store, kept.id) == Bytes{'R', 'O', 'P', 'A'});
    // The retired item's answer and file are gone, chunks too; new items are empty.
    require_error(ErrorCode::not_found, [&] { (void)store->evidence().find(retired_file.id); });
    RawDb raw(home.path);
    CHECK(raw.integer("SELECT COUNT(*) FROM evidence_chunks WHERE evidence_id = ?1",
                      retired_file.id) == 0);
    CHECK(raw.integer("SELECT COUNT(*) FROM answers WHERE item_id = ?1", kRetiredItem) == 0);
    CHECK_FALSE(store->answer("4.3.1").has_value());
    CHECK(store->plan().empty());

    // Reviewing each item, unchanged or changed, makes it count again.
    for (const auto& id : approaching) {
        if (id == kTextItem) {
            store->set_answer(id, "ZA7654321", std::nullopt, "New manager");
        } else {
            store->review(id, "New manager");
        }
    }
    CHECK(store->items_to_review().empty());
    CHECK(level_of(*store) == standards::Level::approaching);
    CHECK(store->answer(kTextItem)->value == "ZA7654321");
    CHECK(store->answer(kDocumentItem)->answered_by == "New manager");
    // The reviewed file goes to the new year: it uploads (its chunks are on
    // the server already, if it was synced) and its register is sent.
    CHECK(store->evidence().find(kept.id).transfer == EvidenceTransfer::to_upload);
    require_error(ErrorCode::failed_precondition, [&] { store->review(kTextItem, "Again"); });

    // The store reopens as the new year with the same passphrase.
    store.reset();
    auto reopened = home.open();
    CHECK(reopened->info().year == kNewYear);
    CHECK(reopened->pack().find("7.1.1") != nullptr);
    require_error(ErrorCode::wrong_passphrase, [&] { (void)home.open("not the passphrase"); });
}

TEST_CASE("the finished year is kept as a read-only store that opens with the same passphrase",
          "[unit][client_store]") {
    StoreHome home(old_year_options());
    auto store = home.open();
    store->set_answer(kTextItem, "ZA1111111", std::nullopt, "Manager");
    store->set_answer(kRetiredItem, "yes", std::nullopt, "Manager");
    const auto file = store->evidence().add(kDocumentItem, home.make_file("notice.pdf", "NOTICE"));
    const auto report = store->start_year(new_year(home), kPassphrase);
    CHECK(report.archive == LocalStore::file_in(home.dir.path() / "home" / "years" / "old"));
    store->set_answer(kTextItem, "ZA2222222", std::nullopt, "Manager");

    auto archive = LocalStore::open(report.archive, kPassphrase);
    CHECK(archive->info().year == kOldYear);
    CHECK(archive->info().archived);
    CHECK(archive->answer(kTextItem)->value == "ZA1111111");
    CHECK(archive->answer(kRetiredItem)->value == "yes");
    CHECK(archive->items_to_review().empty());
    CHECK(home.read_evidence(*archive, file.id) == Bytes{'N', 'O', 'T', 'I', 'C', 'E'});
    CHECK_THAT(require_error(ErrorCode::failed_precondition,
                             [&] { archive->set_answer(kTextItem, "x", std::nullopt, "M"); }),
               Catch::Contains("kept copy"));
    require_error(ErrorCode::failed_precondition, [&] {
        (void)archive->evidence().add(kDocumentItem, home.make_file("b.pdf", "B"));
    });
    require_error(ErrorCode::wrong_passphrase,
                  [&] { (void)LocalStore::open(report.archive, "not the passphrase"); });

    // A second start from the new year cannot overwrite another year's copy.
    auto options = new_year(home);
    options.pack.year = "2026-27";
    options.pack.opens.reset();
    require_error(ErrorCode::already_exists, [&] { store->start_year(options, kPassphrase); });
    CHECK(store->info().year == kNewYear);
}

TEST_CASE("a year start is refused for an older year, a wrong passphrase or unsent changes",
          "[unit][client_store]") {
    StoreHome home(old_year_options(false));
    auto store = home.open();
    auto older = new_year(home);
    older.pack = standards::bundled_pack("2023-24");
    CHECK_THAT(
        require_error(ErrorCode::invalid_argument, [&] { store->start_year(older, kPassphrase); }),
        Catch::Contains("2023-24"));
    require_error(ErrorCode::wrong_passphrase,
                  [&] { store->start_year(new_year(home), "not the passphrase"); });

    save_identity(*store, device(protocol::Role::branch));
    store->set_answer(kTextItem, "ZA1", std::nullopt, "Manager");
    store->set_answer(kConfirmItem, "yes", std::nullopt, "Manager");
    CHECK_THAT(require_error(ErrorCode::failed_precondition,
                             [&] { store->start_year(new_year(home), kPassphrase); }),
               Catch::Contains("2 changes of 2024-25 wait to sync: run dspt sync first"));
    CHECK(store->info().year == kOldYear);
    CHECK_FALSE(std::filesystem::exists(new_year(home).archive_home));

    // Once the server has them, the year starts; the outbox and the sync
    // position start again, the seq carries on.
    std::vector<PushAck> acks;
    for (const auto& entry : store->outbox().pending(10)) {
        acks.push_back({entry.seq, entry.scope, entry.register_key, entry.seq + 10});
    }
    acknowledge_pushed(*store, acks, 1000);
    apply_pulled(*store, {}, ScopeMap{"VA1B2"}, 42, nullptr);
    REQUIRE(pull_cursor(*store) == 42);
    const auto report = store->start_year(new_year(home), kPassphrase);
    CHECK(report.changes_discarded == 0);
    CHECK(pull_cursor(*store) == 0);
    RawDb raw(home.path);
    CHECK(raw.integer("SELECT COUNT(*) FROM outbox") == 0);
    CHECK(raw.integer("SELECT COUNT(*) FROM register_versions") == 0);
    CHECK(load_identity(*store).has_value());
    store->review(kTextItem, "Manager");
    const auto pending = store->outbox().pending(10);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].seq == 3);
    CHECK(pending[0].seen.empty());
}

TEST_CASE("a store never enrolled drops its unsent changes and restarts its seq",
          "[unit][client_store]") {
    StoreHome home(old_year_options(false));
    auto store = home.open();
    store->set_answer(kTextItem, "ZA1", std::nullopt, "Manager");
    store->set_security_lead("Asha Patel");
    store->set_answer(kConfirmItem, "yes", std::nullopt, "Manager");
    store->set_plan_entry(plan_entry("3.2.1", "Book the training"));
    const auto report = store->start_year(new_year(home), kPassphrase);
    CHECK(report.changes_discarded == 3);
    // The profile is every year's: its change is still to be sent, now first.
    auto pending = store->outbox().pending(10);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].seq == 1);
    CHECK(pending[0].register_key == "profile/security_lead");
    CHECK(pending[0].payload["name"] == "Asha Patel");
    store->review(kConfirmItem, "Manager");
    pending = store->outbox().pending(10);
    REQUIRE(pending.size() == 2);
    CHECK(pending[1].seq == 2);
    CHECK(pending[1].register_key == "answer/1.1.6");
    // The kept copy still holds the old year's unsent changes, for the record.
    RawDb archive(report.archive);
    CHECK(archive.integer("SELECT COUNT(*) FROM outbox") == 4);
}

TEST_CASE("another device's review of a carried item clears its mark here",
          "[unit][client_store]") {
    StoreHome home(old_year_options(false));
    auto store = home.open();
    store->set_answer(kTextItem, "ZA1", std::nullopt, "Manager");
    store->set_answer(kConfirmItem, "yes", std::nullopt, "Manager");
    const auto file = store->evidence().add(kDocumentItem, home.make_file("ropa.pdf", "ROPA"));
    const auto organisation_key = crypto::SecretKey::generate();
    EvidenceTransfers(*store).finish_upload(file.id, organisation_key);
    save_identity(*store, device(protocol::Role::branch));
    std::vector<PushAck> acks;
    nlohmann::json record;  // the file's register value, as a reviewing device sends it
    for (const auto& entry : store->outbox().pending(10)) {
        acks.push_back({entry.seq, entry.scope, entry.register_key, entry.seq});
        if (entry.register_key == "evidence/" + file.id) {
            record = entry.payload;
        }
    }
    REQUIRE(record.is_object());
    acknowledge_pushed(*store, acks, 1000);
    store->start_year(new_year(home), kPassphrase);
    REQUIRE(store->items_to_review().size() == 3);
    REQUIRE(store->assessment().evidence.empty());

    // The file's new-year register from another device: the file here is on
    // the server for the new year, and is not fetched again.
    const PulledRegister evidence{
        "VA1B2", "evidence/" + file.id, 7, record, "other", {}, {}, 0, {7}, 0};
    const PulledRegister answer{
        "VA1B2", "answer/1.1.1",
        8,       {{"item", "1.1.1"}, {"value", "ZA9"}, {"answered_by", "B"}},
        "other", nlohmann::json::array(),
        {},      0,
        {8},     0};
    CHECK(apply_pulled(*store, {evidence, answer}, ScopeMap{"VA1B2"}, 8, &organisation_key) == 2);
    CHECK(store->items_to_review() ==
          std::set<std::string, std::less<>>{std::string(kConfirmItem)});
    CHECK(store->answer(kTextItem)->value == "ZA9");
    CHECK(store->evidence().find(file.id).transfer == EvidenceTransfer::synced);
    CHECK(EvidenceTransfers(*store).downloads_pending().empty());
    CHECK(store->assessment().evidence.size() == 1);
    CHECK(store->outbox().pending_count() == 0);
}

TEST_CASE("the organisation profile is set by headquarters and received by every device",
          "[unit][client_store]") {
    // Headquarters sets it; its changes are sent like any other.
    StoreHome hq_home(old_year_options(false));
    auto hq = hq_home.open();
    save_identity(*hq, device(protocol::Role::headquarters));
    hq->set_security_lead("  Asha Patel ");
    CHECK(hq->security_lead() == "Asha Patel");
    hq->use_scope("VA1B2");  // whichever assessment is chosen, the profile is the organisation's
    hq->set_cyber_essentials_plus_expires(Date::parse("2026-09-30"));
    const auto sent = hq->outbox().pending(10);
    REQUIRE(sent.size() == 2);
    CHECK(sent[0].register_key == "profile/security_lead");
    CHECK(sent[0].payload == nlohmann::json{{"name", "Asha Patel"}});
    CHECK(sent[1].scope.empty());
    require_error(ErrorCode::invalid_argument, [&] { hq->set_security_lead(" "); });

    // A branch shows what headquarters set, and its level uses it.
    StoreHome branch_home(old_year_options(false));
    auto branch = branch_home.open();
    for (const auto& item : branch->pack().items) {
        if (item.needed_for_met()) {
            branch->set_answer(item.id, satisfying_value(item), std::nullopt, "Manager");
        }
    }
    save_identity(*branch, device(protocol::Role::branch));
    REQUIRE(level_of(*branch) == standards::Level::met);
    const auto profile = [](std::string field, nlohmann::json value, std::int64_t version) {
        return PulledRegister{"",           "profile/" + field,
                              version,      std::move(value),
                              "hq-replica", nlohmann::json::array(),
                              {},           0,
                              {version},    0};
    };
    const auto before = branch->outbox().pending_count();
    CHECK(apply_pulled(*branch,
                       {profile("cyber_essentials_plus", {{"expires", "2026-09-30"}}, 3),
                        profile("security_lead", {{"name", "Asha Patel"}}, 4)},
                       ScopeMap{"VA1B2"}, 4, nullptr) == 2);
    CHECK(branch->cyber_essentials_plus_expires() == Date::parse("2026-09-30"));
    CHECK(branch->security_lead() == "Asha Patel");
    CHECK(level_of(*branch) == standards::Level::exceeded);
    CHECK(branch->outbox().pending_count() == before);  // received, not sent back

    CHECK_THAT(
        require_error(ErrorCode::forbidden, [&] { branch->set_security_lead("Someone Else"); }),
        Catch::Contains("the organisation profile is set by headquarters"));
    require_error(ErrorCode::forbidden,
                  [&] { branch->set_cyber_essentials_plus_expires(std::nullopt); });
    CHECK(branch->security_lead() == "Asha Patel");

    // Removed by headquarters, removed here; a value this build cannot read changes nothing.
    apply_pulled(*branch,
                 {profile("cyber_essentials_plus", {{"deleted", true}}, 5),
                  profile("security_lead", {{"name", 42}}, 6)},
                 ScopeMap{"VA1B2"}, 6, nullptr);
    CHECK_FALSE(branch->cyber_essentials_plus_expires().has_value());
    CHECK(branch->security_lead() == "Asha Patel");
    CHECK(level_of(*branch) == standards::Level::met);
}

TEST_CASE("profile changes made before enrolling as a branch are kept here but never sent",
          "[unit][client_store]") {
    StoreHome home;
    auto store = home.open();
    store->set_answer(kTextItem, "ZA1", std::nullopt, "Manager");
    store->set_cyber_essentials_plus_expires(Date::parse("2026-09-30"));
    store->set_answer(kConfirmItem, "yes", std::nullopt, "Manager");
    REQUIRE(store->outbox().pending_count() == 3);
    save_identity(*store, device(protocol::Role::branch));
    const auto pending = store->outbox().pending(10);
    REQUIRE(pending.size() == 2);
    CHECK(pending[0].seq == 1);
    CHECK(pending[0].register_key == "answer/1.1.1");
    CHECK(pending[1].seq == 2);  // numbered again: the server sees no gap
    CHECK(pending[1].register_key == "answer/1.1.6");
    CHECK(pending[1].payload["value"] == "yes");
    CHECK(store->cyber_essentials_plus_expires() == Date::parse("2026-09-30"));
    store->set_answer(kDocumentItem, "Office", std::nullopt, "Manager");
    CHECK(store->outbox().pending(10).back().seq == 3);

    // Headquarters keeps them.
    StoreHome hq_home;
    auto hq = hq_home.open();
    hq->set_security_lead("Asha Patel");
    save_identity(*hq, device(protocol::Role::headquarters));
    CHECK(hq->outbox().pending_count() == 1);
}
