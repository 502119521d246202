#pragma once
// The wire protocol's version. Every message travels in an envelope that names
// the version it was encoded with; a peer refuses a version it does not know.
//
// History (newest last; never renumber):
//   1  First release.

#include <cstdint>

namespace dspt::protocol {

inline constexpr std::uint16_t kProtocolVersion = 1;

// The oldest version this build still decodes.
inline constexpr std::uint16_t kMinProtocolVersion = 1;

// True when a peer's version can be decoded by this build.
bool is_supported_version(std::uint16_t version) noexcept;

}  // namespace dspt::protocol
