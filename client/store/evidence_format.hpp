#pragma once
// How evidence files are laid out, shared by the local evidence store and the
// evidence sync (evidence_store.hpp, evidence_transfer.hpp):
//
//   chunk      1 MiB of the file sealed under the file key, associated data
//              "<evidence id>|<chunk index>". The same bytes are stored locally,
//              uploaded and downloaded: the server holds chunks it cannot open.
//   file key   random per file; kept locally wrapped by the store's data key
//              (associated data: the field "evidence|<id>|file_key"), and sent
//              only wrapped by the organisation key (associated data
//              "evidence-file-key|<id>").
//   manifest   name, size, chunk count, BLAKE2b-256 of the content and item,
//              sealed under the data key in the evidence row.
//   register   the evidence register's value, what the server holds: id, item,
//              size and chunk count in clear (the server counts evidence and
//              checks sizes), the file key wrapped by the organisation key,
//              and "sealed": the name and the content hash sealed under the
//              file key (associated data "evidence-manifest|<id>"), so that
//              whoever holds the server's store can neither read a file's name
//              nor confirm a guessed document by its hash. Records sent by
//              earlier versions carry "name" and "blake2b" in clear and are
//              still read.

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "client/store/field_sealer.hpp"
#include "common/crypto/bytes.hpp"
#include "common/crypto/secret_key.hpp"

namespace dspt::client::evidence_format {

inline constexpr std::string_view kTable = "evidence";
inline constexpr std::size_t kChunkBytes = std::size_t{1} << 20;

std::string chunk_ad(std::string_view evidence_id, std::uint64_t index);
std::string local_key_ad(std::string_view evidence_id);
std::string organisation_key_ad(std::string_view evidence_id);
std::string sealed_manifest_ad(std::string_view evidence_id);

struct Manifest {
    std::string name;
    std::uint64_t size = 0;
    std::uint64_t chunks = 0;
    std::string blake2b;  // hex
    std::string item;     // the item the file is evidence for; empty in early stores

    nlohmann::json to_json() const;

    // The evidence register's value for file `id` (see above), its name and
    // hash sealed under `file_key`, which goes wrapped (`wrapped_file_key`).
    nlohmann::json register_value(std::string_view id, const crypto::SecretKey& file_key,
                                  crypto::ByteView wrapped_file_key) const;

    // The manifest in a register value pulled from the server, its sealed part
    // opened with `file_key`; invalid_argument when a field is missing, of the
    // wrong type, or inconsistent (a chunk count that does not fit the size, a
    // name that is no file name); authentication_failed when the sealed part
    // was altered or belongs to another file.
    static Manifest from_value(const nlohmann::json& value, std::string_view id,
                               const crypto::SecretKey& file_key, std::uint64_t max_size);

  private:
    // from_value() once the name and hash are in clear in `value`.
    static Manifest from_opened(const nlohmann::json& value, std::uint64_t max_size);
};

Manifest open_manifest(const FieldSealer& sealer, std::string_view id, crypto::ByteView sealed);
crypto::Bytes seal_manifest(const FieldSealer& sealer, std::string_view id,
                            const Manifest& manifest);

}  // namespace dspt::client::evidence_format
