#include "client/store/session_keep.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include "client/store/local_store.hpp"
#include "client/store/meta_table.hpp"
#include "common/crypto/secure_buffer.hpp"
#include "common/error.hpp"
#include "common/sqlite/transaction.hpp"

namespace dspt::client {

namespace {

// The kept session as stored: key || "id\nopened\nrenew\nnext\ndevice\nserver".
struct SessionRecord {
    KeptSession session;
    std::uint64_t next_counter = 1;
    std::string device_id;
    std::string server_url;
};

std::optional<std::uint64_t> parse_number(std::string_view text) {
    std::uint64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc() || stop != end || text.empty()) {
        return std::nullopt;
    }
    return value;
}

// Nothing when the record is damaged.
std::optional<SessionRecord> read_record(LocalStore& store) {
    const auto sealed = meta::get(store.database(), meta::kRequestSession);
    if (!sealed) {
        return std::nullopt;
    }
    const auto plain = store.sealer().open_secret("meta", meta::kRequestSession, "value",
                                                  crypto::as_byte_view(*sealed), "request session");
    const auto bytes = plain.view();
    if (bytes.size() <= crypto::kMacKeyBytes) {
        return std::nullopt;
    }
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()) + crypto::kMacKeyBytes,
                                bytes.size() - crypto::kMacKeyBytes);
    std::vector<std::string_view> lines;
    for (std::size_t start = 0;;) {
        const auto end = text.find('\n', start);
        lines.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
    if (lines.size() != 6) {
        return std::nullopt;
    }
    const auto opened = parse_number(lines[1]);
    const auto renew = parse_number(lines[2]);
    const auto next = parse_number(lines[3]);
    if (!opened || !renew || !next || *next == 0) {
        return std::nullopt;
    }
    SessionRecord record;
    record.session.session_id = std::string(lines[0]);
    record.session.key = crypto::MacKey(bytes.first(crypto::kMacKeyBytes));
    record.session.opened_at_ms = *opened;
    record.session.renew_at_ms = *renew;
    record.next_counter = *next;
    record.device_id = std::string(lines[4]);
    record.server_url = std::string(lines[5]);
    return record;
}

void write_record(LocalStore& store, const SessionRecord& record) {
    const auto text =
        record.session.session_id + "\n" + std::to_string(record.session.opened_at_ms) + "\n" +
        std::to_string(record.session.renew_at_ms) + "\n" + std::to_string(record.next_counter) +
        "\n" + record.device_id + "\n" + record.server_url;
    crypto::SecureBuffer plain(crypto::kMacKeyBytes + text.size());
    auto out = plain.mutable_view();
    const auto key = record.session.key.view();
    std::copy(key.begin(), key.end(), out.begin());
    std::copy(text.begin(), text.end(), out.begin() + crypto::kMacKeyBytes);
    const auto sealed = store.sealer().seal(
        "meta", meta::kRequestSession, "value",
        std::string_view(reinterpret_cast<const char*>(plain.view().data()), plain.size()));
    meta::set(store.database(), meta::kRequestSession,
              std::string_view(reinterpret_cast<const char*>(sealed.data()), sealed.size()));
}

// The record, or nothing (and it is forgotten) when it is damaged.
std::optional<SessionRecord> current_record(LocalStore& store) {
    try {
        auto record = read_record(store);
        if (record || !meta::get(store.database(), meta::kRequestSession)) {
            return record;
        }
    } catch (const Error& e) {
        if (e.code() != ErrorCode::corrupt && e.code() != ErrorCode::invalid_argument) {
            throw;
        }
    }
    meta::erase(store.database(), meta::kRequestSession);
    return std::nullopt;
}

// In one write transaction: the kept record, when `usable` accepts it, as it
// was, with its next counter moved on by `count` in the store. `usable` runs
// inside the transaction and may erase the record. Nothing inside a caller's
// transaction: its rollback would hand the counters back.
template <class Usable>
std::optional<SessionRecord> claim_counters(LocalStore& store, std::uint64_t count,
                                            Usable&& usable) {
    auto& db = store.database();
    if (db.in_transaction()) {
        return std::nullopt;
    }
    sqlite::Transaction tx(db, sqlite::TransactionBehavior::immediate);
    auto record = current_record(store);
    if (!record || !usable(*record)) {
        tx.commit();
        return std::nullopt;
    }
    auto claimed = *record;
    record->next_counter += count;
    write_record(store, *record);
    tx.commit();
    return claimed;
}

}  // namespace

std::optional<SessionKeep::Taken> SessionKeep::take(std::uint64_t now_ms, std::uint64_t count) {
    if (store_ == nullptr) {
        if (held_ && (now_ms < held_->opened_at_ms || now_ms >= held_->renew_at_ms)) {
            held_.reset();
        }
        if (!held_) {
            return std::nullopt;
        }
        const Taken taken{*held_, held_next_counter_};
        held_next_counter_ += count;
        return taken;
    }
    const auto record = claim_counters(*store_, count, [&](const SessionRecord& kept) {
        if (kept.device_id == device_id_ && kept.server_url == server_url_ &&
            now_ms >= kept.session.opened_at_ms && now_ms < kept.session.renew_at_ms) {
            return true;
        }
        // Another server's (a --server for one command) stays for later; a
        // session past its time or of another identity is forgotten.
        if (kept.server_url == server_url_ || kept.device_id != device_id_) {
            meta::erase(store_->database(), meta::kRequestSession);
        }
        return false;
    });
    if (!record) {
        return std::nullopt;
    }
    return Taken{record->session, record->next_counter};
}

std::optional<std::uint64_t> SessionKeep::reserve(const std::string& session_id,
                                                  std::uint64_t count) {
    if (store_ == nullptr) {
        if (!held_ || held_->session_id != session_id) {
            return std::nullopt;
        }
        const auto first = held_next_counter_;
        held_next_counter_ += count;
        return first;
    }
    const auto record = claim_counters(*store_, count, [&](const SessionRecord& kept) {
        return kept.session.session_id == session_id;
    });
    if (!record) {
        return std::nullopt;
    }
    return record->next_counter;
}

bool SessionKeep::keep(const KeptSession& session, std::uint64_t next_counter) {
    if (store_ == nullptr) {
        held_ = session;
        held_next_counter_ = next_counter;
        return true;
    }
    auto& db = store_->database();
    if (db.in_transaction()) {
        return false;
    }
    sqlite::Transaction tx(db, sqlite::TransactionBehavior::immediate);
    write_record(*store_, SessionRecord{session, next_counter, device_id_, server_url_});
    tx.commit();
    return true;
}

void SessionKeep::drop(const std::string& session_id) {
    if (store_ == nullptr) {
        if (held_ && held_->session_id == session_id) {
            held_.reset();
        }
        return;
    }
    auto& db = store_->database();
    if (db.in_transaction()) {
        return;
    }
    sqlite::Transaction tx(db, sqlite::TransactionBehavior::immediate);
    const auto record = current_record(*store_);
    if (record && record->session.session_id == session_id) {
        meta::erase(db, meta::kRequestSession);
    }
    tx.commit();
}

void forget_kept_session(LocalStore& store) {
    meta::erase(store.database(), meta::kRequestSession);
}

}  // namespace dspt::client
