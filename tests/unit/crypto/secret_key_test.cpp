#include "common/crypto/secret_key.hpp"

#include <type_traits>
#include <utility>

#include <catch2/catch.hpp>

#include "common/crypto/constant_time.hpp"
#include "common/crypto/secure_buffer.hpp"
#include "common/error.hpp"
#include "tests/support/errors.hpp"

using dspt::test::require_error;

using dspt::ErrorCode;
using namespace dspt::crypto;

static_assert(!std::is_copy_constructible_v<SecretKey>);
static_assert(!std::is_copy_assignable_v<SecretKey>);
static_assert(std::is_nothrow_move_constructible_v<SecretKey>);
static_assert(!std::is_copy_constructible_v<SecureBuffer>);

TEST_CASE("SecretKey generate and from_bytes", "[unit][crypto]") {
    const SecretKey a = SecretKey::generate();
    const SecretKey b = SecretKey::generate();
    REQUIRE_FALSE(a.empty());
    REQUIRE(a.view().size() == SecretKey::kSize);
    REQUIRE_FALSE(constant_time_equal(a.view(), b.view()));

    const Bytes raw(SecretKey::kSize, 0x42);
    const SecretKey c = SecretKey::from_bytes(raw);
    REQUIRE(constant_time_equal(c.view(), raw));
    REQUIRE(c.view().data() != raw.data());

    require_error(ErrorCode::invalid_argument, [] { (void)SecretKey::from_bytes(Bytes(31)); });
    require_error(ErrorCode::invalid_argument, [] { (void)SecretKey::from_bytes(Bytes(33)); });
    require_error(ErrorCode::invalid_argument, [] { (void)SecretKey::from_bytes({}); });
    require_error(ErrorCode::invalid_argument, [] { SecretKey key{SecureBuffer(16)}; });
}

TEST_CASE("SecretKey move leaves the source empty; reset wipes", "[unit][crypto]") {
    // Freed memory cannot be read back without undefined behaviour, so wiping
    // is checked through state; the guarded memory's canary and ASan catch misuse.
    const Bytes raw(SecretKey::kSize, 0x17);
    SecretKey source = SecretKey::from_bytes(raw);
    const unsigned char* where = source.view().data();

    SecretKey moved(std::move(source));
    REQUIRE(source.empty());
    REQUIRE(source.view().empty());
    require_error(ErrorCode::invalid_argument, [&] { (void)source.checked_view(); });
    REQUIRE(moved.view().data() == where);  // ownership moved, no copy left behind
    REQUIRE(constant_time_equal(moved.view(), raw));

    SecretKey target = SecretKey::generate();
    target = std::move(moved);  // frees (and wipes) target's old key
    REQUIRE(moved.empty());
    REQUIRE(constant_time_equal(target.view(), raw));

    target.reset();
    REQUIRE(target.empty());
    REQUIRE(target.view().empty());
    REQUIRE(SecretKey{}.empty());
}

TEST_CASE("SecureBuffer starts zeroed and empties on move and reset", "[unit][crypto]") {
    SecureBuffer buffer(64);
    REQUIRE(buffer.size() == 64);
    REQUIRE(constant_time_equal(buffer.view(), Bytes(64, 0)));
    buffer.mutable_view()[63] = 9;  // the last byte is writable (guard page follows)

    SecureBuffer other = std::move(buffer);
    REQUIRE(buffer.empty());
    REQUIRE(other.view()[63] == 9);
    other.reset();
    REQUIRE(other.empty());
    REQUIRE(SecureBuffer(0).empty());
    REQUIRE(constant_time_equal(SecureBuffer::copy_of(Bytes{1, 2, 3}).view(), Bytes{1, 2, 3}));
}
