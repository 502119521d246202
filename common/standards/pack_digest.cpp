#include "common/standards/pack_digest.hpp"

#include "common/crypto/blake2b.hpp"
#include "common/crypto/encoding.hpp"
#include "common/standards/loader.hpp"

namespace dspt::standards {

std::string pack_digest(const Pack& pack) {
    const auto json = pack_to_json(pack);
    return crypto::to_hex(crypto::blake2b(crypto::as_byte_view(json)));
}

}  // namespace dspt::standards
