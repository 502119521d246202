#pragma once
// The wire protocol's version. Every message travels in an envelope that names
// the version it was encoded with; a peer refuses a version it does not know.
//
// History (newest last; never renumber; keep protocol/README.md in step):
//   1  First release: envelope "DSPT" | version | type | length | cereal
//      portable binary payload (little-endian); messages EnrolRequest,
//      EnrolResponse, Identity, InviteRequest, InviteResponse (0x0101-0x0105),
//      KeyEnvelope, SiteInfo, OrganisationView (0x0201-0x0203), GrantRequest,
//      GrantView, GrantList (0x0301-0x0303), each at class version 1; request
//      signatures "DSPT-SIG-1".

#include <cstdint>

namespace dspt::protocol {

inline constexpr std::uint16_t kProtocolVersion = 1;

// The oldest version this build still decodes.
inline constexpr std::uint16_t kMinProtocolVersion = 1;

// True when a peer's version can be decoded by this build.
bool is_supported_version(std::uint16_t version) noexcept;

}  // namespace dspt::protocol
