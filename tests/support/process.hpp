#pragma once
// Runs the real dsptsync executables from integration tests: a child process
// with its own environment, stdin text, captured stdout and stderr, and a hard
// time limit after which it is killed (so no test can hang CI).

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "tests/support/temp_dir.hpp"

namespace dspt::test {

struct ProcessResult {
    int exit_code = -1;  // the exit status, or 128 + signal when killed by one
    std::string out;
    std::string err;
    bool timed_out = false;
};

struct ProcessOptions {
    std::map<std::string, std::string> env;  // added to (or replacing) the inherited ones
    std::vector<std::string> unset_env;      // removed from the inherited environment
    std::string input;                       // written to the child's stdin, then closed
    std::chrono::milliseconds timeout{60'000};
    // Starts the child in a process group of its own, so that a BackgroundProcess
    // ends the processes it started too (a browser's renderers and helpers).
    bool own_process_group = false;
};

// Runs `program args...` to completion (or to the timeout) and returns what it did.
ProcessResult run_process(const std::filesystem::path& program,
                          const std::vector<std::string>& args, const ProcessOptions& options = {});

// A child started in the background, for tests that must kill it mid-work or
// talk to it while it runs. The destructor kills it (SIGKILL), with its process
// group when started with own_process_group, and reaps it.
class BackgroundProcess {
  public:
    BackgroundProcess(const std::filesystem::path& program, const std::vector<std::string>& args,
                      const ProcessOptions& options = {});
    ~BackgroundProcess();
    BackgroundProcess(const BackgroundProcess&) = delete;
    BackgroundProcess& operator=(const BackgroundProcess&) = delete;

    pid_t pid() const noexcept { return pid_; }

    // Sends a signal (e.g. SIGKILL, SIGTERM).
    void signal(int signo);

    // Waits up to `timeout` for the exit; returns the exit code as run_process
    // does, or -1 when it is still running.
    int wait(std::chrono::milliseconds timeout);

    // Reads the child's output until stdout contains `needle` or `timeout`
    // passes (or the child exits); returns whether it was found.
    bool wait_for_output(std::string_view needle, std::chrono::milliseconds timeout);

    // Everything the child wrote to stdout / stderr so far (read on wait()
    // and wait_for_output()).
    const std::string& out() const noexcept { return out_; }
    const std::string& err() const noexcept { return err_; }

  private:
    void drain(bool block_until_eof);

    pid_t pid_ = -1;
    int out_fd_ = -1;
    int err_fd_ = -1;
    std::string out_;
    std::string err_;
    int status_ = -1;
    bool own_group_ = false;
};

}  // namespace dspt::test
