#pragma once
// Internal to common/standards: the pack files compiled into the binary.
//
// common/standards/CMakeLists.txt lists the bundled years. For each one,
// cmake/EmbedFile.cmake turns packs/<year>.json into a generated .cpp holding
// its bytes, and the same CMakeLists.txt generates the definition of
// embedded_packs() from the list. Adding a year means adding its JSON file and
// its name to that list.

#include <span>
#include <string_view>

namespace dspt::standards::detail {

struct EmbeddedPack {
    std::string_view year;       // "2025-26", as listed in CMakeLists.txt
    std::string_view file_name;  // "packs/2025-26.json", used as the error origin
    std::string_view json;       // the file's exact bytes
};

// Every embedded pack, oldest year first. The views point into static storage
// and stay valid for the whole process. Thread-safe.
std::span<const EmbeddedPack> embedded_packs() noexcept;

}  // namespace dspt::standards::detail
