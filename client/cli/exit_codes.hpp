#pragma once
// The exit codes of `dspt`, documented in README.md:
//   0  success
//   1  usage: an unknown command or option, a missing argument
//   2  a user error: wrong passphrase, a bad value, an unknown item
//   3  a damaged or tampered store, or a store written by a newer version
//   4  an environment failure: disk, network, or a bug in dsptsync

#include "common/error.hpp"

namespace dspt::client {

enum class ExitCode : int {
    ok = 0,
    usage = 1,
    user_error = 2,
    damaged = 3,
    failure = 4,
};

// The one mapping from an error to the process's exit code.
ExitCode exit_code_for(ErrorCode code) noexcept;

}  // namespace dspt::client
