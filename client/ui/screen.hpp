#pragma once
// The local screen's routes (`dspt ui`): which page or action each request
// gets, behind the gate (ui_gate.hpp). Pages are GETs; every change is a
// POST from one of the screen's own forms, answered with a redirect to the
// page it came from and a message saying what happened (or why not).
//
// No rule is written twice: answers, reviews and conflicts go through
// client/actions/answer_change, the action plan and evidence through the
// store, syncing and publishing through client/sync/sync_run, exactly as the
// commands do. With the server unreachable, sync and publish say that this
// device is offline and that its changes are kept; everything else works.
//
// Sync now runs in the background (sync_progress.hpp): until it ends the
// sync alone uses the store, and every request but the progress page is sent
// there (a change is refused, saying why, and nothing is lost).
//
// Publishing asks first: the Publish page's buttons lead to a page stating
// the level, sites and year and that the publication becomes public; only
// its button (a POST with confirmed=yes) publishes.
//
// Not thread-safe: the HTTP layer (run with one thread) calls it from one thread.

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "client/store/local_store.hpp"
#include "client/sync/server_session.hpp"
#include "client/sync/transport.hpp"
#include "client/ui/multipart_form.hpp"
#include "client/ui/page_layout.hpp"
#include "client/ui/sync_progress.hpp"
#include "client/ui/ui_gate.hpp"
#include "http/server.hpp"
#include "protocol/publish_messages.hpp"

namespace dspt::client::ui {

struct ScreenOptions {
    std::uint64_t max_upload_bytes = 100ULL << 20;
    // A private directory (0700) for the moments a file passes through the
    // disk in the clear: an upload before it is sealed, a download or the
    // spreadsheet before it is sent. Each is removed at once.
    std::filesystem::path work_dir;
    std::string user;  // who makes the changes, for the answers' "by"
    // The deadline of each request to the server, and the stop check that
    // ends one in flight when the screen is asked to stop.
    TransportOptions transport;
};

class Screen {
  public:
    Screen(LocalStore& store, Gate& gate, ScreenOptions options);

    // Refuses, on its header alone, a request the screen will not take: one
    // addressed to another host, or one carrying a body of more than
    // kMaxBodyBeforeSignIn bytes (or of unknown length) without the session
    // cookie. Its body is then never read. nullopt: the request goes on.
    std::optional<Response> admit(const Request& head);
    static constexpr std::uint64_t kMaxBodyBeforeSignIn = 4 * 1024;

    Response handle(const Request& request);
    // The page for a request the HTTP layer refused before handle(): a file
    // over the upload limit, or a malformed request.
    Response refused(const http::Refusal& refusal);

  private:
    Response page(const Request& request);
    Response act(const Request& request);
    Response render(const std::string& title, const std::string& current,
                    const std::string& content);
    // The frame of a page: whose assessment, the year, conflicts and changes waiting.
    PageFrame frame(const std::string& title, const std::string& current);
    // What the screen answers while a sync runs.
    Response while_syncing(const Request& request);
    // Takes the outcome of a sync that has ended, for the next overview.
    void collect_sync();
    Response redirect(const std::string& to);
    Response download(std::string content, const std::string& type, const std::string& file_name);

    // A session with the server under the screen's deadline and stop check.
    std::unique_ptr<ServerSession> open_session(std::ostream& notices);

    // Actions: each returns where to go next and sets flash_.
    std::string sync_now();
    SyncOutcome run_sync(const SyncProgressFn& progress);
    std::string publish(const std::string& level);
    std::string certificate(Response& out);
    // Adds the uploaded `file` to `slot` (an item, or the plan documents),
    // named `where` in the message.
    void attach(const std::string& slot, const std::optional<FormPart>& file,
                const std::string& where);
    // Records `name` as the author of the changes made from now on.
    void set_author(const std::string& name);

    LocalStore& store_;
    Gate& gate_;
    ScreenOptions options_;
    Flash flash_;
    // The item the last action changed: its standard's page shows flash_ in
    // that item's section. "" when the message belongs at the top.
    std::string flash_item_;
    std::optional<protocol::PublishResponse> last_publish_;
    std::string arrivals_;  // shown once, on the overview after a sync
    PageFrame sync_frame_;  // the frame of the pages shown while a sync runs
    BackgroundSync sync_;   // last: a sync under way ends before the rest goes
};

}  // namespace dspt::client::ui
