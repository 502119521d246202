#pragma once
// A standards pack's identity beyond its year and version: the BLAKE2b-256 of
// its canonical JSON (pack_to_json), as lower-case hex. Two packs with the
// same digest have the same items, flags and wording; a client names the
// pack it uses by this digest when it publishes, and the server evaluates
// against the pack it holds with that digest.

#include <string>

#include "common/standards/pack.hpp"

namespace dspt::standards {

// 64 lower-case hex characters. Throws as pack_to_json for an invalid pack.
std::string pack_digest(const Pack& pack);

}  // namespace dspt::standards
