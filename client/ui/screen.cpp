#include "client/ui/screen.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

#include "client/actions/answer_change.hpp"
#include "client/actions/plan_change.hpp"
#include "client/format/output.hpp"
#include "client/store/evidence_store.hpp"
#include "client/store/publish_outlook.hpp"
#include "client/store/set_aside_changes.hpp"
#include "client/store/sync_state.hpp"
#include "client/sync/sync_run.hpp"
#include "client/ui/multipart_form.hpp"
#include "client/ui/pages.hpp"
#include "client/ui/site_view.hpp"
#include "common/assessment/assessment.hpp"
#include "common/assessment/evaluator.hpp"
#include "common/crypto/encoding.hpp"
#include "common/crypto/random.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/form_encoding.hpp"
#include "common/report/answers_report.hpp"
#include "common/report/xlsx_writer.hpp"
#include "common/text.hpp"
#include "http/header_values.hpp"
#include "http/security_headers.hpp"

namespace dspt::client::ui {

namespace {

constexpr std::string_view kOtherHost =
    "This screen answers only to http://127.0.0.1 on its own port.";
constexpr std::string_view kNotSignedIn =
    "Open the screen with the address 'dspt ui' printed (it works once). Nothing was shown "
    "or changed.";

Response plain(int status, std::string text) {
    Response response;
    response.status = status;
    response.content_type = "text/plain; charset=utf-8";
    response.body = std::move(text) + "\n";
    return response;
}

void secure(Response& response) {
    http::add_security_headers(response, http::PageKind::local_screen);
}

// The path's percent-decoded segments without empty ones: "/" is none, and
// "/conflicts/" is as "/conflicts".
std::vector<std::string> segments(std::string_view path) {
    auto parts = path_segments(path);
    std::erase(parts, std::string());
    return parts;
}

std::string field(const FormFields& form, std::string_view name) {
    for (const auto& [key, value] : form) {
        if (key == name) {
            return value;
        }
    }
    return {};
}

bool has_field(const FormFields& form, std::string_view name) {
    for (const auto& entry : form) {
        if (entry.first == name) {
            return true;
        }
    }
    return false;
}

// A file name as the browser gave it, safe to create: no directories, no
// control characters; "evidence" when nothing is left.
std::string safe_file_name(std::string_view given) {
    const auto slash = given.find_last_of("/\\");
    if (slash != std::string_view::npos) {
        given.remove_prefix(slash + 1);
    }
    std::string name;
    for (const char c : given) {
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) {
            name += c;
        }
    }
    if (name.empty() || name == "." || name == "..") {
        name = "evidence";
    }
    return name.substr(0, 200);
}

// A private directory under `work_dir` that is removed, with what it holds,
// when this goes out of scope.
class ScratchDir {
  public:
    explicit ScratchDir(const std::filesystem::path& work_dir)
        : path_(work_dir / crypto::to_hex(crypto::random_bytes(8))) {
        std::filesystem::create_directories(path_);
        std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::replace);
    }
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::filesystem::path& path() const noexcept { return path_; }

  private:
    std::filesystem::path path_;
};

std::string read_back(const std::filesystem::path& file) {
    return read_file(file, static_cast<std::size_t>(EvidenceStore::kMaxFileBytes));
}

std::string offline_message(LocalStore& store, const Error& failure, std::string_view what) {
    const auto backlog = sync_backlog(store);
    return "The server could not be reached (" + std::string(failure.what()) +
           "), so this device is offline and " + std::string(what) + " did not happen. " +
           (backlog.changes == 0 ? std::string("No change made here was waiting to be sent.")
                                 : "Nothing is lost: " + std::to_string(backlog.changes) +
                                       " change(s) are kept on this computer and are sent by "
                                       "the next sync.");
}

std::string describe(const SyncReport& report) {
    std::string text = "Synced: sent " + std::to_string(report.pushed) + " change(s), received " +
                       std::to_string(report.pulled) + ".";
    if (report.files_uploaded > 0) {
        text += " Uploaded " + std::to_string(report.files_uploaded) + " evidence file(s).";
    }
    if (report.files_downloaded > 0) {
        text += " Downloaded " + std::to_string(report.files_downloaded) + " evidence file(s).";
    }
    for (const auto& reason : report.refused) {
        text += " Refused: " + reason + ".";
    }
    if (report.open_conflicts > 0) {
        text += " " + std::to_string(report.open_conflicts) +
                " item(s) were changed on two devices at once: see Conflicts.";
    }
    if (!report.set_aside.empty()) {
        text += " " + std::to_string(report.set_aside.size()) +
                " change(s) refused by the server are set aside: see below.";
    }
    return text;
}

// How long Sync now waits for the sync before showing its progress page: a
// quick sync (or one that finds the server unreachable) goes straight back to
// the overview.
constexpr std::chrono::milliseconds kQuickSync{3000};

// The query's fields ("a=1&b=2", decoded).
FormFields query_fields(const Request& request) {
    return parse_form(request.query);
}

RetryPolicy screen_policy() {
    RetryPolicy policy;
    policy.attempts = 2;
    policy.first_delay = std::chrono::milliseconds(300);
    policy.give_up_after = std::chrono::seconds(90);
    return policy;
}

void pause(std::chrono::milliseconds how_long) {
    std::this_thread::sleep_for(how_long);
}

}  // namespace

Screen::Screen(LocalStore& store, Gate& gate, ScreenOptions options)
    : store_(store), gate_(gate), options_(std::move(options)) {}

std::optional<Response> Screen::admit(const Request& head) {
    std::optional<Response> refusal;
    if (!gate_.host_allowed(head)) {
        refusal = plain(403, std::string(kOtherHost));
    } else if (!gate_.signed_in(head)) {
        const auto length = head.header("content-length");
        std::uint64_t declared = 0;
        const auto [end, ec] =
            std::from_chars(length.data(), length.data() + length.size(), declared);
        const bool known =
            !length.empty() && ec == std::errc{} && end == length.data() + length.size();
        if (!head.header("transfer-encoding").empty() ||
            (!length.empty() && (!known || declared > kMaxBodyBeforeSignIn))) {
            refusal = plain(403, std::string(kNotSignedIn));
        }
    }
    if (refusal) {
        secure(*refusal);
    }
    return refusal;
}

Response Screen::handle(const Request& request) {
    Response response;
    if (!gate_.host_allowed(request)) {
        response = plain(403, std::string(kOtherHost));
    } else if (request.method == "GET" && request.path == "/" &&
               request.query.find("token=") != std::string::npos && !gate_.signed_in(request)) {
        const auto cookie = gate_.redeem(request);
        if (cookie.empty()) {
            response = plain(403,
                             "This link does not open the screen: it was used already or is "
                             "wrong. Stop 'dspt ui' and start it again for a new one.");
        } else {
            response = redirect("/");
            response.headers.insert_or_assign("Set-Cookie", cookie);
        }
    } else if (!gate_.signed_in(request)) {
        response = plain(403, std::string(kNotSignedIn));
    } else if (sync_.running()) {
        response = while_syncing(request);
    } else if (request.method == "GET" || request.method == "HEAD") {
        collect_sync();
        response = page(request);
    } else if (request.method == "POST") {
        collect_sync();
        response = act(request);
    } else {
        response = plain(405, "The screen takes GET and POST only.");
        response.headers.insert_or_assign("Allow", "GET, POST");
    }
    secure(response);
    return response;
}

Response Screen::refused(const http::Refusal& refusal) {
    Response response;
    if (refusal.status == 413) {
        const auto size = refusal.declared_length.value_or(options_.max_upload_bytes + 1);
        response = plain(413, "This file (" + human_size(size) + ") is larger than the " +
                                  human_size(options_.max_upload_bytes) +
                                  " limit of this screen, so it was not added. Attach a smaller "
                                  "file, or a scan at a lower resolution.");
    } else {
        response =
            plain(refusal.status, "The screen could not read this request: " + refusal.message +
                                      ". Nothing was changed.");
    }
    secure(response);
    return response;
}

PageFrame Screen::frame(const std::string& title, const std::string& current) {
    const auto whose = whose_assessment(store_);
    PageFrame frame;
    frame.title = title;
    frame.organisation = whose.organisation;
    frame.site = whose.site;
    frame.switcher = site_switcher(whose);
    frame.year = store_.info().year;
    frame.current = current;
    frame.conflicts = open_conflicts(store_).size();
    frame.pending = sync_backlog(store_).changes;
    return frame;
}

Response Screen::render(const std::string& title, const std::string& current,
                        const std::string& content) {
    auto page = frame(title, current);
    page.flash = std::exchange(flash_, {});
    Response response;
    response.content_type = "text/html; charset=utf-8";
    response.body = render_page(page, content);
    return response;
}

Response Screen::while_syncing(const Request& request) {
    const auto parts = segments(request.path);
    const bool get = request.method == "GET" || request.method == "HEAD";
    if (get && parts.size() == 1 && parts[0] == "ui.js") {
        Response script;
        script.content_type = "text/javascript; charset=utf-8";
        script.body = std::string(upload_script());
        return script;
    }
    if (get && !(parts.size() == 1 && parts[0] == "sync")) {
        return redirect("/sync");
    }
    auto page = sync_frame_;
    page.title = "Syncing";
    // The page asks again each second, without a script, until the sync ends.
    page.head_extra = "<meta http-equiv=\"refresh\" content=\"1\">\n";
    std::string content;
    Response response;
    if (!get) {
        page.head_extra.clear();
        response.status = 409;
        content =
            "<p class=\"flash error\" role=\"alert\" id=\"busy\">A sync is running, so this "
            "change was not made and nothing was lost. When the sync ends, go back and make "
            "it again.</p><p><a href=\"/sync\">See how the sync is going</a></p>";
    } else {
        content = sync_.progress_content();
    }
    response.content_type = "text/html; charset=utf-8";
    response.body = render_page(page, content);
    return response;
}

void Screen::collect_sync() {
    if (auto outcome = sync_.collect()) {
        flash_ = std::move(outcome->flash);
        arrivals_ = std::move(outcome->arrivals);
    }
}

Response Screen::redirect(const std::string& to) {
    Response response;
    response.status = 303;
    response.headers.insert_or_assign("Location", http::header_safe(to));
    response.content_type = "text/plain; charset=utf-8";
    return response;
}

Response Screen::download(std::string content, const std::string& type,
                          const std::string& file_name) {
    Response response;
    response.content_type = type;
    response.body = std::move(content);
    response.headers.insert_or_assign(
        "Content-Disposition", http::content_disposition(http::Disposition::attachment, file_name));
    return response;
}

Response Screen::page(const Request& request) {
    PageInputs inputs;
    inputs.csrf = gate_.csrf();
    inputs.max_upload_bytes = options_.max_upload_bytes;
    inputs.last_publish = last_publish_;
    inputs.author = options_.user;
    const auto noticed = std::exchange(flash_item_, {});
    const auto parts = segments(request.path);
    try {
        if (parts.empty()) {
            return render("Overview", "overview",
                          std::exchange(arrivals_, {}) + overview_content(store_, inputs));
        }
        if (parts.size() == 1 && parts[0] == "sync") {
            return redirect("/");  // the sync has ended: the overview says how it went
        }
        if (parts.size() == 1 && parts[0] == "switch") {
            const auto site = field(query_fields(request), "site");
            switch_site(store_, site);
            last_publish_.reset();
            const auto whose = whose_assessment(store_);
            flash_ = {false, "Showing " + whose.site + " of " + whose.organisation + "."};
            return redirect("/");
        }
        if (parts.size() == 1 && parts[0] == "organisation") {
            const auto whose = whose_assessment(store_);
            return render("Every site of " + whose.organisation, "organisation",
                          organisation_content(store_, whose));
        }
        if (parts.size() == 2 && parts[0] == "publish" && parts[1] == "confirm") {
            return render(
                "Confirm publishing", "publish",
                confirm_publish_content(store_, field(query_fields(request), "level"), inputs));
        }
        if (parts.size() == 2 && parts[0] == "standard") {
            const auto& number = parts[1];
            if (number.size() <= 2 && !number.empty() &&
                number.find_first_not_of("0123456789") == std::string::npos) {
                const int standard = std::stoi(number);
                if (standard >= 1 && standard <= 10) {
                    if (const auto* item = store_.pack().find(noticed);
                        item != nullptr && item->standard == standard) {
                        inputs.notice_item = noticed;
                        inputs.notice = std::exchange(flash_, {});
                    }
                    return render("Standard " + number + ": " +
                                      std::string(standards::standard_name(standard)),
                                  "standard-" + number, standard_content(store_, standard, inputs));
                }
            }
        }
        if (parts.size() == 1 && parts[0] == "conflicts") {
            return render("Conflicts", "conflicts", conflicts_content(store_, inputs));
        }
        if (parts.size() == 1 && parts[0] == "publish") {
            return render("Publish", "publish", publish_content(store_, inputs));
        }
        if (parts.size() == 1 && parts[0] == "export") {
            return render("Export", "export", export_content(store_));
        }
        if (parts.size() == 1 && parts[0] == "ui.js") {
            Response script;
            script.content_type = "text/javascript; charset=utf-8";
            script.body = std::string(upload_script());
            return script;
        }
        if (parts.size() == 2 && parts[0] == "export" && parts[1] == "answers.xlsx") {
            const ScratchDir scratch(options_.work_dir);
            const auto file = scratch.path() / "answers.xlsx";
            report::write_xlsx(report::build_answers_report(store_.pack(), store_.assessment(),
                                                            store_.info().site_name, Date::today()),
                               file);
            return download(read_back(file),
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            "dspt-answers-" + store_.info().year + ".xlsx");
        }
        if (parts.size() == 2 && parts[0] == "evidence") {
            const auto found = store_.evidence().find(parts[1]);
            const ScratchDir scratch(options_.work_dir);
            const auto file = scratch.path() / "content";
            store_.evidence().get(found.id, file, true);
            return download(read_back(file), "application/octet-stream", found.name);
        }
        if (parts.size() == 1 && parts[0] == "certificate.pdf") {
            Response pdf;
            const auto back = certificate(pdf);
            return back.empty() ? pdf : redirect(back);
        }
    } catch (const Error& e) {
        auto response =
            render(e.code() == ErrorCode::not_found ? "Not found" : "Something failed", "",
                   "<p class=\"flash error\" role=\"alert\">" + escape(e.what()) +
                       "</p><p><a href=\"/\">Back to the overview</a></p>");
        response.status = e.code() == ErrorCode::not_found ? 404 : 500;
        return response;
    }
    auto response = render("Not found", "",
                           "<p>There is no such page. <a href=\"/\">Back to the "
                           "overview</a></p>");
    response.status = 404;
    return response;
}

Response Screen::act(const Request& request) {
    FormFields form;
    std::optional<FormPart> file;
    try {
        const auto boundary = multipart_boundary(request.header("content-type"));
        if (!boundary.empty()) {
            for (auto& part : parse_multipart(request.body, boundary)) {
                if (!part.file_name.empty() || part.name == "file") {
                    file = part;
                } else {
                    form.emplace_back(part.name, std::string(part.data));
                }
            }
        } else {
            form = parse_form(request.body);
        }
    } catch (const Error& e) {
        return plain(400, e.what());
    }
    if (!gate_.may_change(request, field(form, "csrf"))) {
        return plain(403,
                     "This form did not come from this screen, so nothing was changed. Reload "
                     "the page and try again.");
    }
    const bool script = request.header("x-requested-with") == "dspt-ui";
    const auto parts = segments(request.path);
    std::string back = "/";
    try {
        if (parts.size() == 1 && parts[0] == "sync") {
            back = sync_now();
        } else if (parts.size() == 1 && parts[0] == "publish") {
            if (field(form, "confirmed") == "yes") {
                back = publish(field(form, "level"));
            } else {
                // Nothing is published without the confirmation page's button.
                back = "/publish/confirm?level=" + form_encode(field(form, "level"));
            }
        } else if (parts.size() == 1 && parts[0] == "author") {
            back = "/#author-heading";
            set_author(field(form, "name"));
        } else if (parts.size() == 1 && parts[0] == "plan-document") {
            back = "/publish#plan-documents-heading";
            attach(std::string(assessment::kPlanDocumentSlot), file, "the action plan documents");
        } else if (parts.size() == 2 && parts[0] == "set-aside" && parts[1] == "drop") {
            const auto dropped = drop_set_aside(store_, field(form, "which"));
            if (dropped.empty()) {
                fail(ErrorCode::not_found,
                     "that change is no longer set aside, so nothing was discarded");
            }
            flash_ = {false, "Discarded " + describe_set_aside(dropped.front()) +
                                 ". The server's value comes back at the next sync."};
        } else if (parts.size() == 3 && parts[0] == "evidence" && parts[2] == "remove") {
            const auto found = store_.evidence().find(parts[1]);
            if (found.item_id != assessment::kPlanDocumentSlot) {
                flash_item_ = found.item_id;
            }
            // A plan document is listed on the Publish page, not under an item.
            back = found.item_id == assessment::kPlanDocumentSlot
                       ? std::string("/publish")
                       : item_link(store_.item(found.item_id));
            store_.evidence().remove(found.id);
            flash_ = {false, "Removed " + found.name + " from " +
                                 (found.item_id == assessment::kPlanDocumentSlot
                                      ? std::string("the action plan documents")
                                      : found.item_id) +
                                 "."};
        } else if (parts.size() >= 3 && parts[0] == "item") {
            const auto& item = store_.item(parts[1]);
            back = item_link(item);
            flash_item_ = item.id;
            const auto& what = parts[2];
            const bool dated = item.type == standards::AnswerType::date;
            if ((what == "answer" || what == "review") && parts.size() == 3 &&
                find_conflict(store_, "answer/" + item.id)) {
                fail(ErrorCode::failed_precondition,
                     item.id +
                         " was changed on two devices at once: choose the value to keep on "
                         "the Conflicts page first. Nothing was saved.");
            }
            if (what == "answer" && parts.size() == 3) {
                AnswerChange change;
                change.item = item.id;
                const auto own = store_.answer(item.id);
                const bool document = item.type == standards::AnswerType::document;
                auto raw = field(form, document ? "location" : "value");
                if (trim(raw).empty()) {
                    raw.clear();  // spaces alone are no answer: as an empty box
                }
                if (dated && !raw.empty()) {
                    raw = form_date(raw, "The date of " + item.id);
                }
                const auto comment = field(form, "comment");
                if (!raw.empty()) {
                    (document ? change.location : change.value) = raw;
                }
                if (has_field(form, "comment") && comment != (own ? own->comment : "")) {
                    change.comment = comment;
                }
                if (raw.empty() && own && !own->value.empty() &&
                    item.type != standards::AnswerType::confirm) {
                    change = AnswerChange{item.id, {}, {}, {}, true};
                }
                if (!change.value && !change.location && !change.comment && !change.clear) {
                    flash_ = {false, "Nothing to save for " + item.id + "."};
                } else {
                    apply_answer_change(store_, change, options_.user);
                    flash_ = {false, change.clear ? "Cleared the answer to " + item.id + "."
                                                  : "Saved " + item.id + "."};
                }
            } else if (what == "review" && parts.size() == 3) {
                review_item(store_, item.id, options_.user);
                flash_ = {false, "Kept " + item.id + " as it was last year."};
            } else if (what == "resolve" && parts.size() == 3) {
                back = "/conflicts";
                flash_item_.clear();
                std::optional<std::string> value;
                if (has_field(form, "value")) {
                    value = field(form, "value");
                    if (trim(*value).empty()) {
                        fail(ErrorCode::invalid_argument,
                             "Write the value to keep for " + item.id +
                                 ", or press Keep this beside one of the values. Nothing was "
                                 "changed.");
                    }
                    if (dated) {
                        value = form_date(*value, "The date of " + item.id);
                    }
                }
                const auto kept =
                    resolve_conflict(store_, item.id, field(form, "keep"), value, options_.user);
                flash_ = {false, "Resolved " + item.id + ": " + kept +
                                     ". Every device shows it after its next sync."};
            } else if (what == "plan" && parts.size() == 3) {
                const auto entry = apply_plan_change(
                    store_, {item.id, field(form, "action"), field(form, "owner"),
                             form_date(field(form, "due"), "The plan's date for " + item.id)});
                flash_ = {false, "Planned for " + item.id + ": " + entry.action + "."};
            } else if (what == "plan" && parts.size() == 4 && parts[3] == "remove") {
                store_.remove_plan_entry(item.id);
                flash_ = {false, "Removed the plan entry for " + item.id + "."};
            } else if (what == "evidence" && parts.size() == 3) {
                attach(item.id, file, item.id);
            } else {
                return plain(404, "There is no such action.");
            }
        } else {
            return plain(404, "There is no such action.");
        }
    } catch (const Error& e) {
        if (script) {
            return plain(422, e.what());
        }
        flash_ = {true, e.what()};
    }
    if (script) {
        return plain(200, back);  // the script goes there itself
    }
    return redirect(back);
}

void Screen::attach(const std::string& slot, const std::optional<FormPart>& file,
                    const std::string& where) {
    if (!file || file->data.empty()) {
        fail(ErrorCode::invalid_argument, "choose a file to attach to " + where);
    }
    const ScratchDir scratch(options_.work_dir);
    const auto path = scratch.path() / safe_file_name(file->file_name);
    write_file_atomic(path, file->data, 0600);
    const auto added = store_.evidence().add(slot, path);
    flash_ = {false,
              "Attached " + added.name + " (" + human_size(added.size) + ") to " + where + "."};
}

std::unique_ptr<ServerSession> Screen::open_session(std::ostream& notices) {
    return std::make_unique<ServerSession>(store_, notices, std::string(), options_.transport);
}

void Screen::set_author(const std::string& name) {
    store_.set_author_name(name);
    const char* session_name = std::getenv("DSPT_USER");
    if (session_name != nullptr && *session_name != '\0') {
        // The name this screen was started with, for this session, still wins.
        flash_ = {false, "Saved " + *store_.author_name() +
                             " as this computer's name for answers. This screen was started "
                             "with the name " +
                             options_.user +
                             " for its session, which changes carry until it is started again "
                             "without it."};
        return;
    }
    options_.user = *store_.author_name();
    flash_ = {false, "Answers made here from now on show the name " + options_.user +
                         ". Changes made before keep the name they were made under."};
}

std::string Screen::sync_now() {
    if (sync_.running()) {
        return "/sync";
    }
    sync_frame_ = frame("Syncing", "overview");
    sync_.start([this](const SyncProgressFn& progress) { return run_sync(progress); });
    if (sync_.wait(kQuickSync)) {
        collect_sync();
        return "/";
    }
    return "/sync";
}

SyncOutcome Screen::run_sync(const SyncProgressFn& progress) {
    std::ostringstream notices;
    SyncOutcome outcome;
    try {
        const auto report = sync_with_retry([&] { return open_session(notices); }, screen_policy(),
                                            {}, pause, progress);
        outcome.flash = {!report.set_aside.empty(), describe(report)};
        outcome.arrivals = arrivals_list(report.arrived);
    } catch (const Error& e) {
        outcome.flash = {true, is_transient(e.code()) ? offline_message(store_, e, "the sync")
                                                      : std::string(e.what())};
    }
    return outcome;
}

std::string Screen::publish(const std::string& level_name) {
    const auto level = standards::parse_level(level_name);
    if (!level || *level == standards::Level::none) {
        fail(ErrorCode::invalid_argument, "choose a level: approaching, met or exceeded");
    }
    if (const auto whose = whose_assessment(store_);
        whose.headquarters && whose.site_code.empty()) {
        fail(ErrorCode::failed_precondition,
             "Not published: a head office publishes for each site. Choose a site with Show at "
             "the top of the page, then publish from its Publish page.");
    }
    std::ostringstream notices;
    try {
        sync_with_retry([&] { return open_session(notices); }, screen_policy(), {}, pause);
        const auto session = open_session(notices);
        // As `dspt publish`: what the server refuses whatever the answers is
        // not asked for.
        if (const auto refusals = refusals_before_asking(store_, *level, Date::today());
            !refusals.empty()) {
            flash_ = {true, "Not published: " + refusals.front()};
            return "/publish";
        }
        std::vector<std::string> sites;
        if (!store_.scope().empty()) {
            sites.push_back(store_.scope());
        }
        last_publish_ = publish_synced(*session, *level, sites, screen_policy(), {}, pause);
        flash_ =
            last_publish_->published
                ? Flash{false, "Published at " + std::string(standards::display_name(*level)) + "."}
                : Flash{true, "Not published: the server found " +
                                  std::to_string(last_publish_->problems.size()) +
                                  " problem(s), listed below."};
    } catch (const Error& e) {
        if (!is_transient(e.code())) {
            throw;
        }
        flash_ = {true, offline_message(store_, e, "publishing")};
    }
    return "/publish";
}

std::string Screen::certificate(Response& out) {
    std::ostringstream notices;
    try {
        const auto session = open_session(notices);
        out = download(session->api().certificate(store_.info().year, "pdf"), "application/pdf",
                       "dspt-certificate-" + store_.info().year + ".pdf");
        return {};
    } catch (const Error& e) {
        flash_ = {true, is_transient(e.code()) ? offline_message(store_, e, "the download")
                                               : std::string(e.what())};
        return "/publish";
    }
}

}  // namespace dspt::client::ui
