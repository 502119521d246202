#pragma once
// The standards packs compiled into the binaries (common/standards/packs/*.json,
// embedded at build time). They are parsed and validated on first use; a pack
// that fails validation is a build defect and the unit tests catch it.

#include <string>
#include <string_view>
#include <vector>

#include "common/standards/pack.hpp"

namespace dspt::standards {

// The bundled years, oldest first: {"2023-24", "2024-25", "2025-26"}.
std::vector<std::string> bundled_years();

// The bundled pack for a year. Throws Error(ErrorCode::not_found) naming the
// years that exist. Thread-safe; the returned reference lives for the process.
const Pack& bundled_pack(std::string_view year);

// The pack of the newest bundled year.
const Pack& newest_bundled_pack();

// Every bundled pack, oldest first.
std::vector<const Pack*> bundled_packs();

}  // namespace dspt::standards
