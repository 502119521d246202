#pragma once
// The server's sync state as plain values (docs/sync.md, "Registers"): the
// registers of each organisation, their values, and what each replica pushed.
//
// A register lives in a scope: a site's ODS code, or "" for the answers a
// headquarters device writes for the whole organisation. Every accepted value
// takes the next number of its organisation's change sequence: that number is
// the register's version and the cursor that pull pages by.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dspt::server::store {

// One change as a replica pushed it.
struct Change {
    std::string replica_id;
    std::int64_t seq = 0;   // contiguous per replica, from 1
    std::uint64_t hlc = 0;  // hybrid logical time, raw
    std::string scope;
    std::string register_key;
    std::vector<std::int64_t> seen;  // the versions of the values its writer held
    std::string payload;             // JSON text
    std::string author;
    // Refused by the sync service (too large, malformed, not the device's to
    // write): the change takes its seq and is recorded as refused, and changes
    // nothing else.
    bool refused = false;

    bool operator==(const Change&) const = default;
};

enum class ChangeOutcome : std::uint8_t {
    accepted = 1,
    duplicate = 2,
    unchanged = 3,
    conflict = 4,
    refused = 5,  // taken as refused: its seq is used, nothing else changed
};

struct ChangeResult {
    std::int64_t seq = 0;
    ChangeOutcome outcome = ChangeOutcome::accepted;
    std::int64_t version = 0;  // the register's version after the change

    bool operator==(const ChangeResult&) const = default;
};

// A value a register holds: the one shown, or a sibling of a conflict.
struct RegisterValue {
    std::int64_t version = 0;
    std::string replica_id;
    std::int64_t seq = 0;
    std::uint64_t hlc = 0;
    std::int64_t base_version = 0;  // the greatest version its writer had seen
    std::string payload;
    std::string author;

    bool operator==(const RegisterValue&) const = default;
};

// A register as stored: every live value, oldest version first. One value
// when settled; several while in conflict.
struct Register {
    std::string scope;
    std::string register_key;
    std::int64_t version = 0;  // the latest version of any of its values
    std::vector<RegisterValue> values;

    bool conflicted() const noexcept { return values.size() > 1; }
    // The value every replica shows: the greatest (hlc, replica_id).
    const RegisterValue& shown() const;

    bool operator==(const Register&) const = default;
};

// On the embedded store, a pull that names at most this many scopes (a site's device
// names its site and the organisation-wide scope) reads each scope's registers through
// the index on (organisation, scope, version) and merges them by version, so its cost
// follows the changes it is given, not its organisation's. One that names more (a
// headquarters device, every site of its organisation) reads the organisation's
// registers in version order, most of which it is given anyway. PostgreSQL's planner
// makes the same choice itself.
inline constexpr std::size_t kPullScopesOneByOne = 8;

// A page of registers changed after a cursor, in version order.
struct RegisterPage {
    std::vector<Register> registers;
    std::int64_t next_cursor = 0;
    bool more = false;
};

// Whose an evidence file's chunks are: claimed by the first chunk uploaded,
// so no other organisation or site can add to it or read it.
struct BlobOwner {
    std::string organisation_ods;
    std::string scope;  // a site ODS code, or "" organisation-wide

    bool operator==(const BlobOwner&) const = default;
};

// Evidence chunks held for one organisation, or removed by a collection.
struct StorageUse {
    std::string organisation_ods;  // empty for a total
    std::uint64_t files = 0;
    std::uint64_t bytes = 0;  // sealed chunk bytes

    bool operator==(const StorageUse&) const = default;
};

}  // namespace dspt::server::store
