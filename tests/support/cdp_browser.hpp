#pragma once
// A headless Chromium that a test drives page by page, as a person would use a
// browser: open a URL, fill in and submit forms, attach files, read the DOM and
// take screenshots. It speaks the Chrome DevTools Protocol (CDP) over a
// WebSocket to Debian's /usr/bin/chromium; no Node, no browser download.
//
// Contract:
// - Every call is bounded in time: a CDP command gets kCallTimeout, a wait for
//   a page load kLoadTimeout, a wait_for() its own timeout. Nothing can hang a
//   test; a time-out throws std::runtime_error naming what did not happen.
// - Errors are exceptions (std::runtime_error) with a clear message: chromium
//   missing or not coming up, a CSS selector matching nothing, a navigation
//   that failed (net::ERR_...), a JavaScript exception (its text), a CDP error.
//   After a time-out or a broken connection the object refuses further calls.
// - JavaScript dialogs (alert, confirm, prompt) are accepted at once and their
//   messages kept in dialogs(); uncaught exceptions the pages throw are kept in
//   page_errors(), so a test can assert a page's script ran cleanly.
// - The destructor closes the browser, ends its whole process group (the
//   renderer and helper processes too) and removes the fresh profile.
//
// Thread safety: one thread at a time; the object owns its sockets and child.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace dspt::test {

class CdpBrowser {
  public:
    // The longest one CDP command may take before the browser counts as stuck.
    static constexpr std::chrono::seconds kCallTimeout{30};
    // The longest a navigation or a submitting click may take to load its page.
    static constexpr std::chrono::seconds kLoadTimeout{30};

    // Starts /usr/bin/chromium --headless=new with a fresh profile in a temporary
    // directory, a window of `width` x `height` CSS pixels and about:blank open,
    // and connects to that page. Throws std::runtime_error when chromium is not
    // installed or does not come up within 30 seconds.
    explicit CdpBrowser(int width = 1280, int height = 900);
    ~CdpBrowser();
    CdpBrowser(const CdpBrowser&) = delete;
    CdpBrowser& operator=(const CdpBrowser&) = delete;

    // Opens `url` and waits until the new document has loaded
    // (document.readyState "complete"). An HTTP error status is a loaded page,
    // see status_of_last_navigation(); a network failure throws.
    void navigate(const std::string& url);

    // Evaluates a JavaScript expression in the page, awaiting a promise, and
    // returns its value as JSON (null for undefined; DOM nodes have no JSON
    // value). A thrown exception becomes std::runtime_error with its text.
    nlohmann::json evaluate(const std::string& expression);

    // Polls the JavaScript boolean `condition` every 50 ms until it is true
    // (returns true) or `timeout` passes (returns false). An exception while
    // evaluating counts as false, so "document.querySelector('#x').value == 1"
    // may be polled before #x exists.
    bool wait_for(const std::string& condition,
                  std::chrono::milliseconds timeout = std::chrono::seconds(15));

    // Sets the value of the first element matching `css` (an input, textarea
    // or select; dates as "YYYY-MM-DD") and fires "input" and "change" as typing
    // would. Throws when nothing matches.
    void fill(const std::string& css, const std::string& value);

    // Clicks the first element matching `css` (element.click()) and returns at
    // once. Throws when nothing matches.
    void click(const std::string& css);

    // Clicks an element that submits a form or follows a link and waits until
    // the new document has loaded. Throws when no new document loads within
    // kLoadTimeout (a click that does not navigate, a download).
    void click_and_wait_load(const std::string& css);

    // Attaches `files` to the <input type=file> matching `css`, as choosing them
    // in the file dialog would ("input" and "change" fire). Paths must exist.
    void set_files(const std::string& css, const std::vector<std::filesystem::path>& files);

    // The address of the current document.
    std::string url();

    // The rendered text (innerText) of the first element matching `css`; ""
    // when nothing matches.
    std::string text(const std::string& css);

    // The HTTP status of the current document's response as the browser got it
    // after redirects (200, 404, ...); a file: page counts as 200, about:blank
    // as 0.
    int status_of_last_navigation();

    // Writes a PNG of the whole page (beyond the window when it is longer, up to
    // 16384 pixels high) to `png`.
    void screenshot(const std::filesystem::path& png);

    // Sends one CDP command to the page and returns its "result"; for what the
    // methods above do not cover. Throws on a CDP error or after kCallTimeout.
    nlohmann::json call(const std::string& method,
                        const nlohmann::json& params = nlohmann::json::object());

    // The messages of the JavaScript dialogs the pages opened, oldest first.
    const std::vector<std::string>& dialogs() const noexcept { return dialogs_; }

    // The uncaught JavaScript exceptions the pages threw, oldest first.
    const std::vector<std::string>& page_errors() const noexcept { return page_errors_; }

  private:
    class Connection;

    // Throws when chromium has exited, with what it wrote to stderr.
    void check_alive();
    // Evaluates `expression` and returns its RemoteObject (by value or as a
    // handle); a thrown exception becomes an error with its text.
    nlohmann::json remote(const std::string& expression, bool by_value);
    // Marks the current document, runs `action`, then waits (kLoadTimeout) for
    // a new document to have loaded.
    void expect_new_document(const std::function<void()>& action, const std::string& what);
    // Answers a dialog, records a page error; other events are of no interest.
    void on_event(const nlohmann::json& event);

    TempDir profile_;
    std::unique_ptr<BackgroundProcess> chromium_;
    std::unique_ptr<Connection> connection_;
    long next_id_ = 1;
    std::vector<std::string> dialogs_;
    std::vector<std::string> page_errors_;
};

}  // namespace dspt::test
