#include "common/compression/zstd_codec.hpp"

#include <algorithm>
#include <bit>
#include <memory>
#include <string>

#include <zstd.h>
#include <zstd_errors.h>

#include "common/error.hpp"

namespace dspt::compression {

namespace {

struct CctxFree {
    void operator()(ZSTD_CCtx* cctx) const noexcept { ZSTD_freeCCtx(cctx); }
};
struct DctxFree {
    void operator()(ZSTD_DCtx* dctx) const noexcept { ZSTD_freeDCtx(dctx); }
};

// Compression and decompression contexts are made once per thread and reused:
// making one (and zeroing its tables) costs more than compressing a small body.
// A context that grew past kMaxKeptContextBytes for a large body is freed
// afterwards, so no thread keeps a large window's memory.
constexpr std::size_t kMaxKeptContextBytes = std::size_t{4} << 20;

struct ThreadContexts {
    std::unique_ptr<ZSTD_CCtx, CctxFree> cctx;
    std::unique_ptr<ZSTD_DCtx, DctxFree> dctx;
    // decompress's output block (ZSTD_DStreamOutSize(), about 128 KiB), made once:
    // allocated and zeroed for every call, it cost more than decoding a small body.
    std::string block;
};

ThreadContexts& thread_contexts() {
    thread_local ThreadContexts contexts;
    return contexts;
}

// Throws Error(internal) naming the failed step when `result` is a zstd error.
std::size_t check(std::size_t result, std::string_view step) {
    if (ZSTD_isError(result)) {
        fail(ErrorCode::internal,
             "zstd " + std::string(step) + " failed: " + ZSTD_getErrorName(result));
    }
    return result;
}

// The window limit for an output of at most max_bytes (see the header).
int window_log_for(std::size_t max_bytes) {
    const auto needed = static_cast<int>(std::bit_width(max_bytes > 0 ? max_bytes - 1 : 0));
    return std::clamp(needed, kMinWindowLog, kMaxWindowLog);
}

[[noreturn]] void refuse(std::size_t result, std::size_t max_bytes) {
    if (ZSTD_getErrorCode(result) == ZSTD_error_frameParameter_windowTooLarge) {
        fail(ErrorCode::limit_exceeded,
             "zstd frame needs a window of more than " +
                 std::to_string(std::size_t{1} << window_log_for(max_bytes)) + " bytes");
    }
    fail(ErrorCode::protocol, std::string("corrupt zstd data: ") + ZSTD_getErrorName(result));
}

}  // namespace

std::string compress(std::string_view data) {
    auto& cctx = thread_contexts().cctx;
    if (!cctx) {
        cctx.reset(ZSTD_createCCtx());
        if (!cctx) {
            fail(ErrorCode::internal, "zstd: cannot allocate a compression context");
        }
    }
    // Whatever an earlier call left (parameters, a failed frame), it starts afresh.
    check(ZSTD_CCtx_reset(cctx.get(), ZSTD_reset_session_and_parameters), "reset");
    check(ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, kZstdLevel), "set level");
    check(ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_checksumFlag, 1), "set checksum");
    std::string out(ZSTD_compressBound(data.size()), '\0');
    out.resize(check(ZSTD_compress2(cctx.get(), out.data(), out.size(), data.data(), data.size()),
                     "compression"));
    if (ZSTD_sizeof_CCtx(cctx.get()) > kMaxKeptContextBytes) {
        cctx.reset();
    }
    return out;
}

namespace {

std::string decompress_with(ZSTD_DCtx* dctx, std::string& block, std::string_view frames,
                            std::size_t max_bytes) {
    check(ZSTD_DCtx_reset(dctx, ZSTD_reset_session_and_parameters), "reset");
    check(ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, window_log_for(max_bytes)),
          "set window limit");

    // Output arrives a block at a time into `block`, and is checked against
    // max_bytes before it is kept: the frame's declared content size is never
    // used to size anything.
    std::string out;
    if (block.size() != ZSTD_DStreamOutSize()) {
        block.assign(ZSTD_DStreamOutSize(), '\0');
    }
    ZSTD_inBuffer in{frames.data(), frames.size(), 0};
    for (;;) {
        ZSTD_outBuffer chunk{block.data(), block.size(), 0};
        const std::size_t hint = ZSTD_decompressStream(dctx, &chunk, &in);
        if (ZSTD_isError(hint)) {
            refuse(hint, max_bytes);
        }
        if (chunk.pos > max_bytes - out.size()) {
            fail(ErrorCode::limit_exceeded, "zstd data decompresses to more than the limit of " +
                                                std::to_string(max_bytes) + " bytes");
        }
        out.append(block.data(), chunk.pos);
        const bool input_done = in.pos == in.size;
        if (hint == 0 && input_done) {
            return out;  // the last frame ended with the input
        }
        // With all input read and room left in the block, the decoder has
        // said everything it can: the frame is cut short. (A call that makes
        // no progress otherwise is counted by libzstd, which fails after a
        // few, so the loop always ends.)
        if (input_done && chunk.pos < chunk.size) {
            fail(ErrorCode::protocol, frames.empty()
                                          ? "empty zstd data: no frame"
                                          : "truncated zstd data: the input ends inside a frame");
        }
    }
}

}  // namespace

std::string decompress(std::string_view frames, std::size_t max_bytes) {
    auto& contexts = thread_contexts();
    auto& dctx = contexts.dctx;
    if (!dctx) {
        dctx.reset(ZSTD_createDCtx());
        if (!dctx) {
            fail(ErrorCode::internal, "zstd: cannot allocate a decompression context");
        }
    }
    // A large output needed a large window: give its memory back, whether the
    // call succeeds or throws.
    struct Trim {
        std::unique_ptr<ZSTD_DCtx, DctxFree>& dctx;
        ~Trim() {
            if (ZSTD_sizeof_DCtx(dctx.get()) > kMaxKeptContextBytes) {
                dctx.reset();
            }
        }
    } trim{dctx};
    return decompress_with(dctx.get(), contexts.block, frames, max_bytes);
}

}  // namespace dspt::compression
