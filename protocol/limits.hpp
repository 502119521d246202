#pragma once
// Size limits of the wire protocol and of the changes it carries.
//
// Every limit a decoder applies to untrusted bytes lives here, so the server's
// HTTP body limit and the client's read limit can be set from the same numbers
// (a body the HTTP layer accepts is never too big for decode, and the reverse).
// So do the limits the server puts on one change: the client checks them
// where a change is made, so a change it records is one the server takes.
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

// List lengths. Every list in a message has a bound (the message structs
// name it with detail::ListField): decode() reads a list's count and refuses
// one over its bound with ErrorCode::limit_exceeded before it reads or
// allocates a single element, and encode() refuses to write one. A list costs
// far more in memory than on the wire (an empty ChangeEntry: 64 bytes sent,
// some 600 held), so the message size limit alone does not bound memory.

// Changes one push carries at most (PushRequest::entries), and so the results
// of its answer (PushResponse::results).
inline constexpr std::size_t kMaxPushEntries = 1000;

// Registers one pull page carries at most (PullResponse::registers): the
// server's page size.
inline constexpr std::size_t kMaxPullRegisters = 500;

// Sites one publication covers at most (PublishRequest::sites,
// PublicationView::sites).
inline constexpr std::size_t kMaxPublishSites = 500;

// The reasons one refused publication gives at most (PublishResponse::problems):
// per site and per item, so up to a pack's items for each of kMaxPublishSites.
inline constexpr std::size_t kMaxPublishProblems = 100'000;

// Chunks of one evidence file (BlobStatus::held): 2 GiB in 1 MiB chunks.
inline constexpr std::size_t kMaxBlobChunks = 2048;

// Evidence files one sync exchange asks about (SyncRequest::evidence) and
// so the statuses of its answer (SyncResponse::evidence).
inline constexpr std::size_t kMaxSyncEvidenceFiles = 64;

// Every other list: the versions a change names as seen and a register's
// siblings (a server takes at most 256 seen per change and refuses that change
// alone), an organisation's sites, a device's waiting invitations, an
// organisation's grants and publications, a progress report's organisations,
// sites and missing items.
inline constexpr std::size_t kMaxListEntries = 10'000;

// The largest value of one change (ChangeEntry::payload, its JSON text): an
// answer with its comment, a plan entry, an evidence file's record. A server
// may be set to a lower limit; none takes more.
inline constexpr std::size_t kMaxChangeValueBytes = 64 * 1024;

// The longest register key ("2025-26/answer/1.1.1") and author's name.
inline constexpr std::size_t kMaxRegisterKeyBytes = 200;
inline constexpr std::size_t kMaxAuthorBytes = 200;
// The longest group label a partner gives an organisation (`dspt partner group`).
inline constexpr std::size_t kMaxGroupLabelBytes = 200;

// The longest name of an evidence file, as its record carries it.
inline constexpr std::size_t kMaxFileNameBytes = 255;

}  // namespace dspt::protocol
