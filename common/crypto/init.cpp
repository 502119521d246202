#include "common/crypto/init.hpp"

#include <sodium.h>

#include "common/error.hpp"

namespace dspt::crypto {

void ensure_initialised() {
    // sodium_init returns 0 the first time, 1 when already initialised and -1 on
    // failure. A function-local static runs it once, even with many threads.
    static const bool initialised = sodium_init() >= 0;
    if (!initialised) {
        fail(ErrorCode::crypto, "libsodium could not be initialised (no system random source?)");
    }
}

}  // namespace dspt::crypto
