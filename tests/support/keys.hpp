#pragma once
// Comparisons of secret keys for tests.

#include "common/crypto/constant_time.hpp"
#include "common/crypto/secret_key.hpp"

namespace dspt::test {

// True when both keys hold the same bytes.
inline bool same_key(const crypto::SecretKey& a, const crypto::SecretKey& b) {
    return crypto::constant_time_equal(a.view(), b.view());
}

}  // namespace dspt::test
