#include "tests/support/cdp_browser.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace dspt::test {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

const std::filesystem::path kChromium = "/usr/bin/chromium";
constexpr auto kStartTimeout = std::chrono::seconds(30);
constexpr auto kPollInterval = std::chrono::milliseconds(50);
// How often a wait for chromium checks that it still runs (and drains its output,
// so it never blocks writing to a full pipe).
constexpr auto kWatchInterval = std::chrono::milliseconds(100);

// Throws when the browser is gone; called while waiting for it.
using Watch = std::function<void()>;
constexpr double kLongestScreenshot = 16384;

// The browser answered, with a CDP error or a JavaScript exception; unlike a
// time-out or a lost connection, the page may still be used (wait_for polls on).
class PageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Runs one asynchronous operation started by `start(handler)` until it completes
// or `deadline` passes, calling `watch` every kWatchInterval meanwhile. On time-out
// (or when `watch` throws) closes `stream`, which cancels the operation, lets the
// cancelled handler run (it refers to this frame) and throws.
template <class Stream, class Start>
void run_bounded(net::io_context& io, Stream& stream, const Start& start,
                 Clock::time_point deadline, const Watch& watch, const std::string& what) {
    bool done = false;
    beast::error_code result;
    start([&done, &result](beast::error_code ec, auto&&...) {
        done = true;
        result = ec;
    });
    const auto abandon = [&] {
        beast::error_code ignored;
        beast::get_lowest_layer(stream).socket().close(ignored);
        io.restart();
        for (int attempt = 0; attempt < 100 && !done; ++attempt) {
            io.run_one_for(std::chrono::milliseconds(10));
        }
    };
    io.restart();
    while (!done && Clock::now() < deadline) {
        io.run_one_until(std::min(deadline, Clock::now() + kWatchInterval));
        try {
            watch();
        } catch (...) {
            abandon();
            throw;
        }
    }
    if (!done) {
        abandon();
        throw std::runtime_error(what + ": chromium did not answer in time");
    }
    if (result) {
        throw std::runtime_error(what + ": " + result.message());
    }
}

void connect_local(net::io_context& io, beast::tcp_stream& stream, unsigned short port,
                   Clock::time_point deadline, const Watch& watch) {
    const tcp::endpoint endpoint(net::ip::address_v4::loopback(), port);
    run_bounded(
        io, stream, [&](auto handler) { stream.async_connect(endpoint, std::move(handler)); },
        deadline, watch, "connecting to chromium's DevTools port");
}

std::string local_host(unsigned short port) {
    std::string host = "127.0.0.1:";
    host += std::to_string(port);
    return host;
}

// The body of GET `target` from chromium's DevTools HTTP endpoint.
std::string http_get(unsigned short port, const std::string& target, Clock::time_point deadline,
                     const Watch& watch) {
    net::io_context io;
    beast::tcp_stream stream(io);
    connect_local(io, stream, port, deadline, watch);
    http::request<http::empty_body> request{http::verb::get, target, 11};
    request.set(http::field::host, local_host(port));
    run_bounded(
        io, stream, [&](auto handler) { http::async_write(stream, request, std::move(handler)); },
        deadline, watch, "GET " + target);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    run_bounded(
        io, stream,
        [&](auto handler) { http::async_read(stream, buffer, response, std::move(handler)); },
        deadline, watch, "GET " + target);
    if (response.result() != http::status::ok) {
        std::string message = "GET ";
        message += target;
        message += " from chromium answered ";
        message += std::to_string(response.result_int());
        throw std::runtime_error(message);
    }
    return response.body();
}

// What a JavaScript exception said ("Error: boom\n    at ..."), from CDP's ExceptionDetails.
std::string exception_text(const json& details) {
    if (details.contains("exception") && details["exception"].contains("description")) {
        return details["exception"]["description"].get<std::string>();
    }
    return details.value("text", std::string("an exception"));
}

// A JavaScript string literal holding `text` (a JSON string is one).
std::string js_string(const std::string& text) {
    return json(text).dump();
}

// An expression for the first element matching `css`; it throws when none does.
std::string element(const std::string& css) {
    std::string js = "(() => { const e = document.querySelector(";
    js += js_string(css);
    js += "); if (!e) { throw new Error('no element matches ' + ";
    js += js_string(css);
    js += "); } return e; })()";
    return js;
}

std::string last_lines(const std::string& text) {
    constexpr std::size_t kKeep = 2000;
    return text.size() <= kKeep ? text : text.substr(text.size() - kKeep);
}

}  // namespace

// The WebSocket to one page target. Every operation is bounded by a deadline;
// after a failure the socket is in an unknown state and refuses further use.
class CdpBrowser::Connection {
  public:
    Connection(unsigned short port, const std::string& target, Clock::time_point deadline,
               Watch watch)
        : watch_(std::move(watch)) {
        connect_local(io_, beast::get_lowest_layer(ws_), port, deadline, watch_);
        ws_.read_message_max(64 * 1024 * 1024);  // a full-page screenshot in base64
        const auto host = local_host(port);
        run([&](auto handler) { ws_.async_handshake(host, target, std::move(handler)); }, deadline,
            "opening the DevTools WebSocket");
        ws_.text(true);
    }

    void send(const std::string& message, Clock::time_point deadline, const std::string& what) {
        run([&](auto handler) { ws_.async_write(net::buffer(message), std::move(handler)); },
            deadline, what);
    }

    std::string receive(Clock::time_point deadline, const std::string& what) {
        buffer_.clear();
        run([&](auto handler) { ws_.async_read(buffer_, std::move(handler)); }, deadline, what);
        return beast::buffers_to_string(buffer_.data());
    }

  private:
    template <class Start>
    void run(const Start& start, Clock::time_point deadline, const std::string& what) {
        if (broken_) {
            throw std::runtime_error(what + ": the connection to chromium was lost earlier");
        }
        try {
            run_bounded(io_, ws_, start, deadline, watch_, what);
        } catch (...) {
            broken_ = true;
            throw;
        }
    }

    Watch watch_;
    net::io_context io_;
    websocket::stream<beast::tcp_stream> ws_{io_};
    beast::flat_buffer buffer_;
    bool broken_ = false;
};

CdpBrowser::CdpBrowser(int width, int height) {
    if (!std::filesystem::exists(kChromium)) {
        throw std::runtime_error("chromium is not installed (" + kChromium.string() +
                                 "): run deploy/install-deps.sh");
    }
    const auto profile = profile_.path() / "profile";
    ProcessOptions options;
    options.env = {{"HOME", profile_.path().string()},
                   {"XDG_CONFIG_HOME", (profile_.path() / "config").string()},
                   {"XDG_CACHE_HOME", (profile_.path() / "cache").string()}};
    options.own_process_group = true;
    std::string user_data_dir = "--user-data-dir=";
    user_data_dir += profile.string();
    std::string window_size = "--window-size=";
    window_size += std::to_string(width);
    window_size += ',';
    window_size += std::to_string(height);
    std::vector<std::string> args{"--headless=new",
                                  "--remote-debugging-port=0",
                                  user_data_dir,
                                  window_size,
                                  "--no-first-run",
                                  "--no-default-browser-check",
                                  "--disable-gpu",
                                  "--disable-extensions",
                                  "--disable-background-networking",
                                  "--disable-component-update",
                                  "--disable-sync",
                                  "--password-store=basic",
                                  "--hide-scrollbars",
                                  "--mute-audio"};
    if (::geteuid() == 0) {
        args.push_back("--no-sandbox");  // chromium refuses to run as root with its sandbox
    }
    args.push_back("about:blank");
    chromium_ = std::make_unique<BackgroundProcess>(kChromium, args, options);

    // Chromium writes the port it chose, then the browser's path, once it listens.
    const auto deadline = Clock::now() + kStartTimeout;
    unsigned short port = 0;
    while (port == 0) {
        check_alive();
        if (Clock::now() >= deadline) {
            throw std::runtime_error("chromium did not open its DevTools port within 30 s: " +
                                     last_lines(chromium_->err()));
        }
        std::ifstream in(profile / "DevToolsActivePort");
        std::string first;
        std::string second;
        if (std::getline(in, first) && std::getline(in, second) && !first.empty()) {
            port = static_cast<unsigned short>(std::stoi(first));
        } else {
            std::this_thread::sleep_for(kPollInterval);
        }
    }

    // The page chromium opened on about:blank.
    std::string target;
    while (target.empty()) {
        for (const auto& listed :
             json::parse(http_get(port, "/json/list", deadline, [this] { check_alive(); }))) {
            const auto address = listed.value("webSocketDebuggerUrl", std::string());
            const auto path = address.find("/devtools/");
            if (listed.value("type", std::string()) == "page" && path != std::string::npos) {
                target = address.substr(path);
                break;
            }
        }
        if (target.empty()) {
            if (Clock::now() >= deadline) {
                throw std::runtime_error("chromium listed no page to connect to within 30 s");
            }
            std::this_thread::sleep_for(kPollInterval);
        }
    }
    connection_ = std::make_unique<Connection>(port, target, deadline, [this] { check_alive(); });
    call("Page.enable");     // dialogs
    call("Runtime.enable");  // uncaught exceptions
}

// The connection closes first; chromium_ then kills the browser's process group
// and profile_ removes the profile.
CdpBrowser::~CdpBrowser() = default;

void CdpBrowser::check_alive() {
    const auto status = chromium_->wait(std::chrono::milliseconds(0));  // also drains its pipes
    if (status != -1) {
        std::string message = "chromium exited (status ";
        message += std::to_string(status);
        message += "): ";
        message += last_lines(chromium_->err());
        throw std::runtime_error(message);
    }
}

json CdpBrowser::call(const std::string& method, const json& params) {
    check_alive();
    const auto deadline = Clock::now() + kCallTimeout;
    const long id = next_id_++;
    const auto exchange = [&]() -> json {
        connection_->send(json{{"id", id}, {"method", method}, {"params", params}}.dump(), deadline,
                          method);
        // Events and answers to commands nobody waits for may come first. The
        // loop ends at the deadline, when receive() throws.
        for (;;) {
            const auto message = json::parse(connection_->receive(deadline, method));
            if (!message.contains("id")) {
                on_event(message);
                continue;
            }
            if (message["id"] != id) {
                continue;
            }
            if (message.contains("error")) {
                const auto& error = message["error"];
                std::string text = method;
                text += " failed: ";
                text += error.value("message", std::string());
                if (error.contains("data") && error["data"].is_string()) {
                    text += " (" + error["data"].get<std::string>() + ")";
                }
                throw PageError(text);
            }
            return message.value("result", json::object());
        }
    };
    try {
        return exchange();
    } catch (const PageError&) {
        throw;
    } catch (const std::runtime_error&) {
        // A lost connection most often means chromium died: say so, with its stderr.
        chromium_->wait(std::chrono::seconds(1));
        check_alive();
        throw;
    }
}

void CdpBrowser::on_event(const json& event) {
    const auto method = event.value("method", std::string());
    const auto& params = event.contains("params") ? event["params"] : json::object();
    if (method == "Page.javascriptDialogOpening") {
        dialogs_.push_back(params.value("message", std::string()));
        // While the dialog is open the page answers nothing; accept it without
        // waiting for this answer, which call() skips as nobody's.
        const json accept{{"id", next_id_++},
                          {"method", "Page.handleJavaScriptDialog"},
                          {"params", {{"accept", true}}}};
        connection_->send(accept.dump(), Clock::now() + kCallTimeout, "accepting a dialog");
    } else if (method == "Runtime.exceptionThrown" && params.contains("exceptionDetails")) {
        page_errors_.push_back(exception_text(params["exceptionDetails"]));
    }
}

json CdpBrowser::remote(const std::string& expression, bool by_value) {
    const auto reply = call("Runtime.evaluate", {{"expression", expression},
                                                 {"returnByValue", by_value},
                                                 {"awaitPromise", true},
                                                 {"userGesture", true}});
    if (reply.contains("exceptionDetails")) {
        throw PageError("JavaScript error: " + exception_text(reply["exceptionDetails"]));
    }
    return reply.value("result", json::object());
}

json CdpBrowser::evaluate(const std::string& expression) {
    return remote(expression, true).value("value", json());
}

bool CdpBrowser::wait_for(const std::string& condition, std::chrono::milliseconds timeout) {
    std::string expression = "Boolean(";
    expression += condition;
    expression += ")";
    const auto deadline = Clock::now() + timeout;
    const auto attempts = timeout / kPollInterval + 2;
    for (long attempt = 0; attempt < attempts; ++attempt) {
        try {
            if (evaluate(expression) == true) {
                return true;
            }
        } catch (const PageError&) {
            // Not there yet, or the document is being replaced.
        }
        if (Clock::now() >= deadline) {
            break;
        }
        std::this_thread::sleep_for(kPollInterval);
    }
    return false;
}

void CdpBrowser::expect_new_document(const std::function<void()>& action, const std::string& what) {
    evaluate("window.__dsptMarker = 1");
    action();
    if (!wait_for("window.__dsptMarker === undefined && document.readyState === 'complete'",
                  kLoadTimeout)) {
        throw std::runtime_error(what + ": no new page loaded within 30 s (still at " + url() +
                                 ")");
    }
}

void CdpBrowser::navigate(const std::string& address) {
    expect_new_document(
        [&] {
            const auto reply = call("Page.navigate", {{"url", address}});
            const auto error = reply.value("errorText", std::string());
            if (!error.empty()) {
                throw std::runtime_error("cannot open " + address + ": " + error);
            }
        },
        "opening " + address);
}

void CdpBrowser::fill(const std::string& css, const std::string& value) {
    std::string js = "(() => { const e = ";
    js += element(css);
    js += "; const v = ";
    js += js_string(value);
    js +=
        "; e.focus(); e.value = v;"
        " e.dispatchEvent(new Event('input', {bubbles: true}));"
        " e.dispatchEvent(new Event('change', {bubbles: true}));"
        " if (e.value !== v) { throw new Error('the field ' + ";
    js += js_string(css);
    js += " + ' does not take the value ' + v); } })()";
    evaluate(js);
}

void CdpBrowser::click(const std::string& css) {
    evaluate(element(css) + ".click()");
}

void CdpBrowser::click_and_wait_load(const std::string& css) {
    expect_new_document([&] { click(css); }, "clicking " + css);
}

void CdpBrowser::set_files(const std::string& css,
                           const std::vector<std::filesystem::path>& files) {
    json paths = json::array();
    for (const auto& file : files) {
        if (!std::filesystem::is_regular_file(file)) {
            throw std::runtime_error("cannot attach " + file.string() + ": no such file");
        }
        paths.push_back(std::filesystem::absolute(file).string());
    }
    const auto input = remote(element(css), false);
    const auto object = input.value("objectId", std::string());
    call("DOM.setFileInputFiles", {{"files", paths}, {"objectId", object}});
    call("Runtime.releaseObject", {{"objectId", object}});
}

std::string CdpBrowser::url() {
    return evaluate("location.href").get<std::string>();
}

std::string CdpBrowser::text(const std::string& css) {
    std::string js = "(() => { const e = document.querySelector(";
    js += js_string(css);
    js += "); return e ? e.innerText : ''; })()";
    return evaluate(js).get<std::string>();
}

int CdpBrowser::status_of_last_navigation() {
    return evaluate("(performance.getEntriesByType('navigation')[0] || {}).responseStatus || 0")
        .get<int>();
}

void CdpBrowser::screenshot(const std::filesystem::path& png) {
    const auto metrics = call("Page.getLayoutMetrics");
    const auto& size = metrics["cssContentSize"];
    const double width = std::max(1.0, std::ceil(size["width"].get<double>()));
    const double height =
        std::clamp(std::ceil(size["height"].get<double>()), 1.0, kLongestScreenshot);
    const auto shot =
        call("Page.captureScreenshot",
             {{"format", "png"},
              {"captureBeyondViewport", true},
              {"clip", {{"x", 0}, {"y", 0}, {"width", width}, {"height", height}, {"scale", 1}}}});
    const auto data = shot["data"].get<std::string>();
    std::string bytes(beast::detail::base64::decoded_size(data.size()), '\0');
    const auto decoded = beast::detail::base64::decode(bytes.data(), data.data(), data.size());
    bytes.resize(decoded.first);
    std::ofstream out(png, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) {
        throw std::runtime_error("cannot write the screenshot " + png.string());
    }
}

}  // namespace dspt::test
