#pragma once
// A property a fuzz target checks: when it does not hold, the target says
// which one and aborts, so libFuzzer keeps the input as a crash.

#include <cstdio>
#include <cstdlib>

#define DSPT_FUZZ_CHECK(condition)                                                          \
    do {                                                                                    \
        if (!(condition)) {                                                                 \
            std::fprintf(stderr, "%s:%d: property does not hold: %s\n", __FILE__, __LINE__, \
                         #condition);                                                       \
            std::abort();                                                                   \
        }                                                                                   \
    } while (false)
