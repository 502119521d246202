#include "tests/support/process.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <random>
#include <signal.h>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace dspt::test {

namespace {

using Clock = std::chrono::steady_clock;

struct Pipe {
    int read = -1;
    int write = -1;
};

Pipe make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    }
    return {fds[0], fds[1]};
}

std::vector<std::string> build_environment(const ProcessOptions& options) {
    std::map<std::string, std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry = *e;
        const auto eq = entry.find('=');
        if (eq != std::string::npos) {
            env[entry.substr(0, eq)] = entry.substr(eq + 1);
        }
    }
    for (const auto& name : options.unset_env) {
        env.erase(name);
    }
    for (const auto& [name, value] : options.env) {
        env[name] = value;
    }
    std::vector<std::string> out;
    for (const auto& [name, value] : env) {
        out.push_back(name + "=" + value);
    }
    return out;
}

int decode_status(int status) {
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return -1;
}

// Starts the child with stdin, stdout and stderr connected to pipes.
pid_t spawn(const std::filesystem::path& program, const std::vector<std::string>& args,
            const ProcessOptions& options, int& in_fd, int& out_fd, int& err_fd) {
    const auto env_strings = build_environment(options);
    std::vector<char*> envp;
    for (const auto& s : env_strings) {
        envp.push_back(const_cast<char*>(s.c_str()));
    }
    envp.push_back(nullptr);
    const std::string program_string = program.string();
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program_string.c_str()));
    for (const auto& a : args) {
        argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);

    const Pipe in = make_pipe();
    const Pipe out = make_pipe();
    const Pipe err = make_pipe();
    const pid_t pid = ::fork();
    if (pid < 0) {
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        if (options.own_process_group) {
            ::setpgid(0, 0);
        }
        ::dup2(in.read, 0);
        ::dup2(out.write, 1);
        ::dup2(err.write, 2);
        ::execve(program_string.c_str(), argv.data(), envp.data());
        const char msg[] = "exec failed\n";
        [[maybe_unused]] auto ignored = ::write(2, msg, sizeof msg - 1);
        ::_exit(127);
    }
    if (options.own_process_group) {
        ::setpgid(pid, pid);  // also here, so the group exists before either side goes on
    }
    ::close(in.read);
    ::close(out.write);
    ::close(err.write);
    in_fd = in.write;
    out_fd = out.read;
    err_fd = err.read;
    return pid;
}

// Reads what is available on fd into `into`; returns false at end of file.
bool read_some(int fd, std::string& into) {
    char buf[65536];
    const auto n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
        into.append(buf, static_cast<std::size_t>(n));
        return true;
    }
    return n < 0 && (errno == EINTR || errno == EAGAIN);
}

}  // namespace

ProcessResult run_process(const std::filesystem::path& program,
                          const std::vector<std::string>& args, const ProcessOptions& options) {
    // Writing stdin must not block: ignore SIGPIPE if the child exits early.
    ::signal(SIGPIPE, SIG_IGN);
    int in_fd = -1;
    int out_fd = -1;
    int err_fd = -1;
    const pid_t pid = spawn(program, args, options, in_fd, out_fd, err_fd);
    ::fcntl(in_fd, F_SETFL, O_NONBLOCK);

    ProcessResult result;
    std::size_t input_written = 0;
    if (options.input.empty()) {
        ::close(in_fd);
        in_fd = -1;
    }
    const auto deadline = Clock::now() + options.timeout;
    while (out_fd >= 0 || err_fd >= 0) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            result.timed_out = true;
            ::kill(pid, SIGKILL);
            break;
        }
        pollfd fds[3];
        int n = 0;
        if (out_fd >= 0)
            fds[n++] = {out_fd, POLLIN, 0};
        if (err_fd >= 0)
            fds[n++] = {err_fd, POLLIN, 0};
        if (in_fd >= 0)
            fds[n++] = {in_fd, POLLOUT, 0};
        if (::poll(fds, static_cast<nfds_t>(n), static_cast<int>(left.count())) < 0 &&
            errno != EINTR) {
            break;
        }
        for (int i = 0; i < n; ++i) {
            if (fds[i].revents == 0) {
                continue;
            }
            if (fds[i].fd == in_fd) {
                const auto w = ::write(in_fd, options.input.data() + input_written,
                                       options.input.size() - input_written);
                if (w > 0) {
                    input_written += static_cast<std::size_t>(w);
                }
                if (w < 0 || input_written == options.input.size()) {
                    ::close(in_fd);
                    in_fd = -1;
                }
            } else if (fds[i].fd == out_fd) {
                if (!read_some(out_fd, result.out)) {
                    ::close(out_fd);
                    out_fd = -1;
                }
            } else if (fds[i].fd == err_fd) {
                if (!read_some(err_fd, result.err)) {
                    ::close(err_fd);
                    err_fd = -1;
                }
            }
        }
    }
    for (int fd : {in_fd, out_fd, err_fd}) {
        if (fd >= 0) {
            ::close(fd);
        }
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exit_code = decode_status(status);
    return result;
}

BackgroundProcess::BackgroundProcess(const std::filesystem::path& program,
                                     const std::vector<std::string>& args,
                                     const ProcessOptions& options)
    : own_group_(options.own_process_group) {
    int in_fd = -1;
    pid_ = spawn(program, args, options, in_fd, out_fd_, err_fd_);
    ::close(in_fd);
    ::fcntl(out_fd_, F_SETFL, O_NONBLOCK);
    ::fcntl(err_fd_, F_SETFL, O_NONBLOCK);
}

BackgroundProcess::~BackgroundProcess() {
    if (status_ < 0 && pid_ > 0) {
        // Until the child is reaped its pid names our group, so -pid_ is safe.
        ::kill(own_group_ ? -pid_ : pid_, SIGKILL);
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
    }
    for (int fd : {out_fd_, err_fd_}) {
        if (fd >= 0) {
            ::close(fd);
        }
    }
}

void BackgroundProcess::signal(int signo) {
    if (status_ < 0) {
        ::kill(pid_, signo);
    }
}

void BackgroundProcess::drain(bool block_until_eof) {
    for (int* fd : {&out_fd_, &err_fd_}) {
        if (*fd < 0) {
            continue;
        }
        auto& into = fd == &out_fd_ ? out_ : err_;
        for (;;) {
            char buf[65536];
            const auto n = ::read(*fd, buf, sizeof buf);
            if (n > 0) {
                into.append(buf, static_cast<std::size_t>(n));
                continue;
            }
            if (n == 0 || !block_until_eof) {
                if (n == 0) {
                    ::close(*fd);
                    *fd = -1;
                }
                break;
            }
            if (errno != EAGAIN && errno != EINTR) {
                break;
            }
            pollfd p{*fd, POLLIN, 0};
            ::poll(&p, 1, 1000);
        }
    }
}

int BackgroundProcess::wait(std::chrono::milliseconds timeout) {
    if (status_ >= 0) {
        return decode_status(status_);
    }
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        drain(false);
        int status = 0;
        const pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            status_ = status;
            drain(true);
            return decode_status(status);
        }
        if (Clock::now() >= deadline) {
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

bool BackgroundProcess::wait_for_output(std::string_view needle,
                                        std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        drain(false);
        if (out_.find(needle) != std::string::npos) {
            return true;
        }
        if (status_ >= 0) {
            return false;
        }
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            status_ = status;
            drain(true);
            return out_.find(needle) != std::string::npos;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

}  // namespace dspt::test
