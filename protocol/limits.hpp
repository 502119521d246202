#pragma once
// Size limits of the wire protocol.
//
// Every limit a decoder applies to untrusted bytes lives here, so the server's
// HTTP body limit and the client's read limit can be set from the same numbers
// (a body the HTTP layer accepts is never too big for decode, and the reverse).
//
// Thread safety: constants only.

#include <cstddef>

namespace dspt::protocol {

// The largest encoded message, envelope header included, that encode()
// produces and decode() accepts by default: 16 MiB. Evidence chunks travel
// outside the envelope (PUT /v1/blobs), so messages stay small; this bound
// exists to refuse a hostile body before any work is done on it.
inline constexpr std::size_t kMaxMessageBytes = std::size_t{16} * 1024 * 1024;

// The envelope header: magic (4) | version (2) | type (2) | payload length (4).
inline constexpr std::size_t kEnvelopeHeaderBytes = 12;

}  // namespace dspt::protocol
