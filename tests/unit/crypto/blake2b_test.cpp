#include "common/crypto/blake2b.hpp"

#include <algorithm>
#include <utility>

#include <catch2/catch.hpp>

#include "common/crypto/encoding.hpp"
#include "common/error.hpp"
#include "tests/support/errors.hpp"

using dspt::test::require_error;

using dspt::ErrorCode;
using namespace dspt::crypto;

TEST_CASE("BLAKE2b matches known answers", "[unit][crypto]") {
    REQUIRE(to_hex(blake2b({})) ==
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
    // BLAKE2b-512("abc"), RFC 7693 appendix A.
    REQUIRE(to_hex(blake2b(as_byte_view("abc"), 64)) ==
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
            "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
}

TEST_CASE("BLAKE2b output length is part of the function and is checked", "[unit][crypto]") {
    const Bytes h16 = blake2b(as_byte_view("data"), 16);
    const Bytes h64 = blake2b(as_byte_view("data"), 64);
    REQUIRE(h16.size() == 16);
    REQUIRE(h64.size() == 64);
    REQUIRE(Bytes(h64.begin(), h64.begin() + 16) != h16);
    require_error(ErrorCode::invalid_argument, [] { (void)blake2b({}, 15); });
    require_error(ErrorCode::invalid_argument, [] { (void)blake2b({}, 65); });
    require_error(ErrorCode::invalid_argument, [] { Blake2bHasher hasher(0); });
}

TEST_CASE("BLAKE2b incremental hashing equals one-shot", "[unit][crypto]") {
    Bytes data(100000);
    for (std::size_t i = 0; i < data.size(); ++i) {
        data[i] = static_cast<unsigned char>(i * 31 + 7);
    }
    const ByteView all(data);
    const std::size_t chunk = GENERATE(1, 7, 128, 4096, 100000);

    Blake2bHasher hasher;
    for (std::size_t pos = 0; pos < all.size(); pos += chunk) {
        hasher.update(all.subspan(pos, std::min(chunk, all.size() - pos)));
    }
    REQUIRE(hasher.final() == blake2b(all));

    const SecretKey key = SecretKey::generate();
    Blake2bHasher keyed(key, 64);
    keyed.update(all.first(10)).update({}).update(all.subspan(10));
    REQUIRE(keyed.final() == blake2b_keyed(key, all, 64));
}

TEST_CASE("BLAKE2b keyed hashes differ by key and from unkeyed", "[unit][crypto]") {
    const SecretKey a = SecretKey::generate();
    const SecretKey b = SecretKey::generate();
    const ByteView data = as_byte_view("enrolment secret");
    REQUIRE(blake2b_keyed(a, data) == blake2b_keyed(a, data));
    REQUIRE(blake2b_keyed(a, data) != blake2b_keyed(b, data));
    REQUIRE(blake2b_keyed(a, data) != blake2b(data));
    require_error(ErrorCode::invalid_argument, [&] { (void)blake2b_keyed(SecretKey{}, data); });
}

TEST_CASE("Blake2bHasher is finished after final and after a move", "[unit][crypto]") {
    Blake2bHasher hasher;
    hasher.update(as_byte_view("ab"));
    Blake2bHasher moved = std::move(hasher);
    require_error(ErrorCode::failed_precondition, [&] { hasher.update(as_byte_view("c")); });
    moved.update(as_byte_view("c"));
    REQUIRE(moved.final() == blake2b(as_byte_view("abc")));
    require_error(ErrorCode::failed_precondition, [&] { (void)moved.final(); });
    require_error(ErrorCode::failed_precondition, [&] { moved.update({}); });

    Blake2bHasher assigned(16);
    assigned = Blake2bHasher(64);
    REQUIRE(assigned.final() == blake2b({}, 64));
}
