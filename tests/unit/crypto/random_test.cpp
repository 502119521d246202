#include "common/crypto/random.hpp"

#include <set>
#include <string>

#include <catch2/catch.hpp>

using namespace dspt::crypto;

TEST_CASE("random_bytes gives the requested length and differs between calls", "[unit][crypto]") {
    REQUIRE(random_bytes(0).empty());
    REQUIRE(random_bytes(1).size() == 1);
    const Bytes a = random_bytes(32);
    const Bytes b = random_bytes(32);
    REQUIRE(a.size() == 32);
    REQUIRE(a != b);
    REQUIRE(random_u64() != random_u64());  // fails with probability 2^-64
}

TEST_CASE("random_uuid is a canonical RFC 4122 version 4 UUID", "[unit][crypto]") {
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        const std::string uuid = random_uuid();
        INFO(uuid);
        REQUIRE(uuid.size() == 36);
        for (std::size_t pos = 0; pos < uuid.size(); ++pos) {
            const char c = uuid[pos];
            if (pos == 8 || pos == 13 || pos == 18 || pos == 23) {
                REQUIRE(c == '-');
            } else {
                REQUIRE(((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')));
            }
        }
        REQUIRE(uuid[14] == '4');
        REQUIRE(std::string("89ab").find(uuid[19]) != std::string::npos);
        REQUIRE(seen.insert(uuid).second);
    }
}
