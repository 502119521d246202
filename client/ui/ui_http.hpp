#pragma once
// The local screen's HTTP (`dspt ui`): a small Beast server on 127.0.0.1
// only, one thread, one request at a time, so every handler has the store to
// itself and a stop (Ctrl-C) falls between two requests, never inside one.
//
// A request whose body is over the limit is not read into memory: the
// `too_large` handler answers it, the connection stops sending and the rest of
// the body is read and dropped (bounded in bytes and time), so the browser
// sees the answer instead of a reset connection.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace dspt::client::ui {

struct Request {
    std::string method;
    std::string target;                                       // as sent: path and query
    std::string path;                                         // without the query
    std::string query;                                        // after '?', undecoded
    std::map<std::string, std::string, std::less<>> headers;  // names in lower case
    std::string body;

    // A header's value, "" when absent; `name` in lower case.
    std::string header(std::string_view name) const;
};

struct Response {
    int status = 200;
    std::string content_type = "text/html; charset=utf-8";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

using Handler = std::function<Response(const Request&)>;
// Answers a request whose declared body is over the limit; `size` as declared.
using TooLargeHandler = std::function<Response(const Request&, std::uint64_t size)>;

struct ListenOptions {
    std::uint16_t port = 0;  // 0: any free port
    std::uint64_t max_body_bytes = 100ULL << 20;
};

class Listener {
  public:
    // Binds 127.0.0.1:port now (ErrorCode::unavailable when it cannot) and
    // accepts once run() is running on `io`.
    Listener(boost::asio::io_context& io, const ListenOptions& options, Handler handler,
             TooLargeHandler too_large);
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    std::uint16_t port() const noexcept;

  private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace dspt::client::ui
