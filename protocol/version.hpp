#pragma once
// The wire protocol's version. Every message travels in an envelope that names
// the version it was encoded with; a peer refuses a version it does not know.
//
// History (newest last; never renumber; keep protocol/README.md in step):
//   1  First release: envelope "DSPT" | version | type | length | cereal
//      portable binary payload (little-endian); the 23 messages of AllMessages
//      (message_list.hpp), listed with their type numbers and class versions in
//      protocol/README.md, "Messages": enrolment 0x0101-0x0105, organisations
//      0x0201-0x0203, grants 0x0301-0x0303, sync 0x0401-0x0404, publishing
//      0x0501-0x0503, progress 0x0601-0x0602, browser sign-in 0x0701; request
//      signatures "DSPT-SIG-1"; register keys carrying their standards year.
//      Every struct at class version 1 except GrantRequest, GrantView,
//      ChangeEntry and PushResult at class version 2, which still read 1.
//   2  Request signatures "DSPT-SIG-2": the signed string carries the device
//      id (X-Dspt-Device), so a signature made for one device cannot be
//      presented as another's. Messages unchanged. Version 1 is no longer
//      read: its clients sign the old way, which a server now refuses (with
//      a message telling the client to update).

#include <cstdint>

namespace dspt::protocol {

inline constexpr std::uint16_t kProtocolVersion = 2;

// The oldest version this build still decodes.
inline constexpr std::uint16_t kMinProtocolVersion = 2;

// True when a peer's version can be decoded by this build.
bool is_supported_version(std::uint16_t version) noexcept;

}  // namespace dspt::protocol
