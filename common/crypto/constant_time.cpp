#include "common/crypto/constant_time.hpp"

#include <sodium.h>

#include "common/crypto/init.hpp"

namespace dspt::crypto {

bool constant_time_equal(ByteView a, ByteView b) {
    ensure_initialised();
    if (a.size() != b.size()) {
        return false;
    }
    if (a.empty()) {
        return true;  // an empty span may hold a null pointer; nothing to compare
    }
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace dspt::crypto
