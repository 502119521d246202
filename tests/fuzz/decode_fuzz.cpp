// libFuzzer target: protocol::decode<T> on arbitrary bytes, for every message.
//
// A finding is anything other than a clean decode or a dspt::Error: a crash, a
// sanitizer report (ASan, UBSan, LeakSanitizer), an exception of another type
// escaping (libFuzzer reports the abort), an allocation over libFuzzer's
// -malloc_limit_mb, or a decoded message that loses or changes anything on
// the way back: its encoding must decode to the same message and encode to the
// same bytes again. (The input itself may differ from that encoding only where
// a struct came in an older class version, which decoding accepts by design:
// protocol/README.md, "Version history".)
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
        const auto canonical = dspt::protocol::encode(message);
        if (canonical != bytes) {
            // Only an older class version may be told apart from the canonical
            // encoding, and what it says must survive the current one.
            const T again = dspt::protocol::decode<T>(canonical);
            if (!(again == message) || dspt::protocol::encode(again) != canonical) {
                std::abort();
            }
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
