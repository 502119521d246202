#include "common/crypto/password_kdf.hpp"

#include <string_view>

#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "tests/support/errors.hpp"
#include "tests/support/keys.hpp"

using dspt::test::require_error;
using dspt::test::same_key;

using dspt::ErrorCode;
using namespace dspt::crypto;

TEST_CASE("Argon2id is deterministic for the same passphrase, salt and params", "[unit][crypto]") {
    const KdfParams params = KdfParams::generate(KdfStrength::minimal);
    const SecretKey a = derive_key("correct horse battery staple", params);
    const SecretKey b = derive_key("correct horse battery staple", params);
    REQUIRE(a.view().size() == SecretKey::kSize);
    REQUIRE(same_key(a, b));
}

TEST_CASE("Argon2id gives other keys for another salt, passphrase or cost", "[unit][crypto]") {
    const KdfParams params = KdfParams::generate(KdfStrength::minimal);
    const SecretKey key = derive_key("passphrase", params);

    KdfParams other_salt = KdfParams::generate(KdfStrength::minimal);
    REQUIRE(other_salt.salt != params.salt);
    REQUIRE_FALSE(same_key(key, derive_key("passphrase", other_salt)));
    REQUIRE_FALSE(same_key(key, derive_key("passphrasf", params)));
    REQUIRE_FALSE(same_key(key, derive_key("", params)));
    REQUIRE(same_key(derive_key("", params), derive_key(std::string_view{}, params)));

    KdfParams more_passes = params;
    more_passes.ops_limit += 1;
    REQUIRE_FALSE(same_key(key, derive_key("passphrase", more_passes)));
}

TEST_CASE("KdfParams presets", "[unit][crypto]") {
    const KdfParams minimal = KdfParams::generate(KdfStrength::minimal);
    REQUIRE(minimal.ops_limit == 1);
    REQUIRE(minimal.mem_limit == 8192);
    const KdfParams interactive = KdfParams::generate(KdfStrength::interactive);
    REQUIRE(interactive.ops_limit == 2);
    REQUIRE(interactive.mem_limit == 64U * 1024 * 1024);
    const KdfParams moderate = KdfParams::generate(KdfStrength::moderate);
    REQUIRE(moderate.ops_limit == 3);
    REQUIRE(moderate.mem_limit == 256U * 1024 * 1024);
    for (const KdfParams* p : {&minimal, &interactive, &moderate}) {
        REQUIRE(p->salt.size() == KdfParams::kSaltBytes);
        REQUIRE(p->alg == KdfParams::kAlgArgon2id13);
    }
}

TEST_CASE("KdfParams round-trip through their serialised form", "[unit][crypto]") {
    const KdfStrength strength =
        GENERATE(KdfStrength::minimal, KdfStrength::interactive, KdfStrength::moderate);
    const KdfParams params = KdfParams::generate(strength);
    const std::string text = params.serialise();
    REQUIRE(KdfParams::parse(text) == params);
    REQUIRE(KdfParams::parse(text).serialise() == text);

    KdfParams fixed;
    fixed.salt = Bytes(KdfParams::kSaltBytes, 0);
    fixed.ops_limit = 2;
    fixed.mem_limit = 65536U * 1024;
    REQUIRE(fixed.serialise() == "argon2id$v=19$m=65536,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA");
}

TEST_CASE("KdfParams::parse rejects anything but the canonical form", "[unit][crypto]") {
    const char* const bad[] = {
        "",
        "argon2id$v=19$m=8,t=1,p=1$",                                 // no salt
        "argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAAAAAAAAAAA",             // 15-byte salt
        "argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAAA",          // bad length
        "argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAAAAAAAAAAAA+",           // bad alphabet
        "argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAB",           // non-zero spare bits
        "argon2i$v=19$m=8,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA",            // other algorithm
        "argon2id$v=16$m=8,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA",           // other version
        "argon2id$v=19$m=8,t=1,p=2$AAAAAAAAAAAAAAAAAAAAAA",           // parallelism
        "argon2id$v=19$m=08,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA",          // leading zero
        "argon2id$v=19$m=+8,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA",          // sign
        "argon2id$v=19$m=7,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA",           // memory below minimum
        "argon2id$v=19$m=8,t=0,p=1$AAAAAAAAAAAAAAAAAAAAAA",           // no passes
        "argon2id$v=19$m=8,t=4294967296,p=1$AAAAAAAAAAAAAAAAAAAAAA",  // too many passes
        "argon2id$v=19$m=18446744073709551615,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA",
        "argon2id$v=19$m=99999999999999999999,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA",
        "argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA ",  // trailing space
        "argon2id$v=19$t=1,m=8,p=1$AAAAAAAAAAAAAAAAAAAAAA",   // reordered
    };
    REQUIRE(KdfParams::parse("argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA").mem_limit == 8192);
    for (const char* text : bad) {
        INFO(text);
        require_error(ErrorCode::invalid_argument, [&] { (void)KdfParams::parse(text); });
    }
}

TEST_CASE("invalid KdfParams are rejected before any derivation", "[unit][crypto]") {
    const KdfParams good = KdfParams::generate(KdfStrength::minimal);
    auto expect_invalid = [](const KdfParams& params) {
        require_error(ErrorCode::invalid_argument, [&] { params.validate(); });
        require_error(ErrorCode::invalid_argument, [&] { (void)params.serialise(); });
        require_error(ErrorCode::invalid_argument, [&] { (void)derive_key("x", params); });
    };

    KdfParams p = good;
    p.salt.pop_back();
    expect_invalid(p);
    p = good;
    p.salt.clear();
    expect_invalid(p);
    p = good;
    p.ops_limit = 0;
    expect_invalid(p);
    p = good;
    p.ops_limit = 1ULL << 32;
    expect_invalid(p);
    p = good;
    p.mem_limit = 4096;
    expect_invalid(p);
    p = good;
    p.mem_limit = 8192 + 1;
    expect_invalid(p);
    p = good;
    p.alg = 1;  // Argon2i v1.3
    expect_invalid(p);
}
