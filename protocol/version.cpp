#include "protocol/version.hpp"

namespace dspt::protocol {

bool is_supported_version(std::uint16_t version) noexcept {
    return version >= kMinProtocolVersion && version <= kProtocolVersion;
}

}  // namespace dspt::protocol
