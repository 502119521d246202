#pragma once
// A standards pack an operator installed on the server (`dspt-server admin
// import-standards`), as a plain value: the server holds the bundled packs
// and these, and evaluates a publication against the one its devices use.

#include <cstdint>
#include <string>

namespace dspt::server::store {

struct InstalledPack {
    std::string year;     // "2025-26"
    std::string version;  // the toolkit version, "v8"; may be empty
    std::string digest;   // lower-case hex BLAKE2b-256 of `json` (standards::pack_digest)
    std::string json;     // the pack in canonical form (standards::pack_to_json)
    std::int64_t installed_at_ms = 0;
};

}  // namespace dspt::server::store
