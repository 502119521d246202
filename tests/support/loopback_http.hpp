#pragma once
// Plain HTTP/1.1 to a server on 127.0.0.1, for tests that speak to a page
// without a browser: a request written as given (with "Connection: close"),
// and the answer read until the server closes, every wait bounded.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace dspt::test {

struct LoopbackResponse {
    int status = 0;  // 0 when no status line arrived
    std::string head;
    std::string body;

    // A header's value ("" when absent); `name` compared without case.
    std::string header(std::string_view name) const;
};

// One connection to 127.0.0.1:port, from the loopback address `source`
// ("127.0.0.2", as another machine's would come) or the system's choice when
// empty. The destructor closes it.
class LoopbackConnection {
  public:
    explicit LoopbackConnection(std::uint16_t port,
                                const std::string& source = {});  // throws std::runtime_error
    ~LoopbackConnection();
    LoopbackConnection(const LoopbackConnection&) = delete;
    LoopbackConnection& operator=(const LoopbackConnection&) = delete;

    // Sends `method target` with `headers`, Host, Content-Length and
    // "Connection: close", then `body`. Throws std::runtime_error.
    void send(const std::string& method, const std::string& target,
              const std::map<std::string, std::string>& headers, const std::string& body = {});

    // Sends `bytes` as they are: a request cut short, or one whose header
    // promises more than follows. Throws std::runtime_error.
    void send_raw(std::string_view bytes);

    // Reads until the server closes or `limit` passes.
    LoopbackResponse read(std::chrono::milliseconds limit);

  private:
    int fd_ = -1;
    std::uint16_t port_;
};

// send() and read() on a new connection.
LoopbackResponse http_exchange(std::uint16_t port, const std::string& method,
                               const std::string& target,
                               const std::map<std::string, std::string>& headers,
                               const std::string& body = {},
                               std::chrono::milliseconds limit = std::chrono::seconds(30));

}  // namespace dspt::test
