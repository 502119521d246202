// Writes the seed corpus of decode_fuzz: one valid encoding of every message,
// so the fuzzer starts past the envelope checks.
//
// Usage: decode_fuzz_seeds <directory>   (the directory must exist)

#include <cstdio>
#include <fstream>
#include <string>
#include <tuple>

#include "protocol/codec.hpp"
#include "protocol/message_list.hpp"

namespace dp = dspt::protocol;

namespace {

dp::Bytes bytes(std::size_t n) {
    dp::Bytes out(n);
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = static_cast<unsigned char>(i * 37 + 11);
    }
    return out;
}

// Non-trivial values, so the fuzzer sees every field with content.
auto seeds() {
    return std::make_tuple(
        dp::EnrolRequest{"3f2a9c0d17e4b5a6", bytes(32), bytes(32), bytes(32), "Reception PC"},
        dp::EnrolResponse{"6d0f1c2e-8f3a-4b5c-9d6e-7f8091a2b3c4", dp::Role::branch, "AB1",
                          "Acme Care Ltd", "AB1-01", "Acme House", "", true, bytes(72)},
        dp::Identity{"device-7", dp::Role::partner, "", "", "Support Partners CIC"},
        dp::InviteRequest{"0123456789abcdef", dp::Role::headquarters, "AB1-01", bytes(32),
                          bytes(72), 1718000000123},
        dp::InviteResponse{"0011223344556677", 1718000000123},
        dp::InviteView{"0011223344556677", dp::Role::branch, "AB1-01", 1717000000000,
                       1718000000123},
        dp::InviteList{{{"0011223344556677", dp::Role::headquarters, "", 1, 2},
                        {"8899aabbccddeeff", dp::Role::branch, "AB1-02", 3, 4}}},
        dp::KeyEnvelope{bytes(72)}, dp::SiteInfo{"AB1-02", "1-000000002", "Acme Lodge"},
        dp::OrganisationView{"AB1",
                             "Acme Care Ltd",
                             true,
                             {{"AB1-01", "1-000000001", "Acme House"}, {"AB1-02", "", "Lodge"}}},
        dp::GrantRequest{"Support Partners CIC", "2027-03-31"},
        dp::GrantView{"AB1", "Support Partners CIC", 1718000000000, 0, 1750000000000},
        dp::GrantList{{{"AB1", "P1", 1, 0, 0}, {"AB1", "P2", 2, 3, 4}}},
        dp::PushRequest{{{"6d0f1c2e-8f3a-4b5c-9d6e-7f8091a2b3c4",
                          1,
                          0x0123456789ab0001,
                          "AB1-01",
                          "answer/1.1.1",
                          {40},
                          R"({"value":"ZA123456"})",
                          "Registered manager"}}},
        dp::PushResponse{
            {{1, dp::PushOutcome::accepted, 41, ""}, {2, dp::PushOutcome::conflict, 42, ""}}},
        dp::PullResponse{{{"AB1-01",
                           "answer/2.1.1",
                           42,
                           {42, "replica-b", 3, 2, R"({"value":"no"})", "B"},
                           {{41, "replica-a", 7, 1, R"({"value":"yes"})", "A"},
                            {42, "replica-b", 3, 2, R"({"value":"no"})", "B"}}}},
                         43,
                         false},
        dp::BlobStatus{"6d0f1c2e-8f3a-4b5c-9d6e-7f8091a2b3c4", {0, 1, 3}},
        dp::SyncRequest{{{"6d0f1c2e-8f3a-4b5c-9d6e-7f8091a2b3c4",
                          3,
                          5,
                          "AB1-01",
                          "answer/1.1.1",
                          {41},
                          R"({"value":"yes"})",
                          "A"}},
                        43,
                        {1, 20, 1000, false},
                        "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
                        "",
                        {"0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9"}},
        dp::SyncResponse{{{{3, dp::PushOutcome::accepted, 44, ""}}},
                         {{}, 44, false},
                         true,
                         {{}, "", ""},
                         "00112233445566778899aabbccddeeff",
                         false,
                         {},
                         "",
                         {{"0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9", {0, 2}}},
                         true},
        dp::PublishRequest{"0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9",
                           "2025-26",
                           "met",
                           {"AB1-01", "AB1-02"},
                           "6d0f1c2e-8f3a-4b5c-9d6e-7f8091a2b3c4",
                           12,
                           "v8",
                           "5f0e3c0b9a7d6e2f1c4b8a9d0e3f2c1b5a6d7e8f9c0b1a2d3e4f5a6b7c8d9e0f"},
        dp::PublishResponse{false, false, {}, {{"AB1-01", "1.1.1", "not satisfied"}}},
        dp::PublicationList{
            {{1, "AB1", {"AB1-01"}, "2025-26", "met", 1718000000000, "device"}}, "met", "2025-26"},
        dp::SyncHealth{3, 4096, 259200000, true},
        dp::ProgressReport{1718000100000,
                           {{"AB1",
                             "Acorn Homecare",
                             "2025-26",
                             {{"AB1-01",
                               "Leeds",
                               "met",
                               20,
                               20,
                               42,
                               42,
                               {},
                               {{"1.1.1", "Title"}},
                               0,
                               2,
                               1718000000000,
                               1,
                               10,
                               1717000000000,
                               false,
                               {}}}}}},
        dp::WebLoginLink{"/web/login?token=Wm9vLWJhci1iYXotcXV4", 1718000400000},
        dp::SessionRequest{dp::Bytes(32, 0x5a)},
        dp::SessionOffer{"00112233445566778899aabbccddeeff", dp::Bytes(32, 0xa5), 1800000});
}

// An older class version's bytes, as the fuzzer found them.
constexpr const char* kGrantRequestVersion1 =
    "445350540002030100000055010100000048000000000000000b30557a9fc4e9"
    "0e33587da2c7ec11365b80a5caef14395e83a8cdf2173c6186abd0f51a3f6489"
    "aed3f81d42678cb1d6fb20456a8fb4d9fe23486d92b7dc01264b7095badf0429"
    "4e";

std::string from_hex(const char* hex) {
    std::string out;
    for (const char* p = hex; p[0] != '\0' && p[1] != '\0'; p += 2) {
        out += static_cast<char>(std::stoi(std::string(p, 2), nullptr, 16));
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <corpus directory>\n", argv[0]);
        return 2;
    }
    const std::string directory = argv[1];
    int written = 0;
    std::apply(
        [&](const auto&... message) {
            ((std::ofstream(directory + "/seed-" + std::string(message.kName),
                            std::ios::binary | std::ios::trunc)
                  << dp::encode(message),
              ++written),
             ...);
        },
        seeds());
    // A GrantRequest in class version 1, which decoding accepts and encodes
    // anew as version 2: the soak once took this for a non-canonical decode.
    std::ofstream(directory + "/seed-GrantRequest-v1", std::ios::binary | std::ios::trunc)
        << from_hex(kGrantRequestVersion1);
    ++written;
    std::printf("wrote %d seeds to %s\n", written, directory.c_str());
    return 0;
}
