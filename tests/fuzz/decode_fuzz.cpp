// libFuzzer target: protocol::decode<T> on arbitrary bytes, for every message.
//
// A finding is anything other than a clean decode or a dspt::Error: a crash, a
// sanitizer report (ASan, UBSan, LeakSanitizer), an exception of another type
// escaping (libFuzzer reports the abort), an allocation over libFuzzer's
// -malloc_limit_mb, or a decoded message that does not re-encode to exactly
// the input (decoding is strict: one message, one encoding).
//
// Build and run: tests/fuzz/run.sh [seconds]; ctest runs a short bounded
// pass (fuzz.decode) when the build has DSPT_FUZZ=ON.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <tuple>

#include "common/error.hpp"
#include "protocol/codec.hpp"
#include "protocol/message_list.hpp"

namespace {

template <class T>
void try_decode(std::string_view bytes) {
    try {
        const T message = dspt::protocol::decode<T>(bytes);
        if (dspt::protocol::encode(message) != bytes) {
            std::abort();  // accepted bytes that are not the canonical encoding
        }
    } catch (const dspt::Error&) {
        // The expected outcome for almost every input.
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    std::apply([&](auto... message) { (try_decode<decltype(message)>(bytes), ...); },
               dspt::protocol::AllMessages{});
    return 0;
}
