// `dspt enrol`, `dspt invite`, `dspt invites`, `dspt recover-key` and `dspt whoami`:
// joining a server, inviting the organisation's other devices (and cancelling an
// invitation), and the organisation key.

#include <iostream>
#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

#include "client/cli/command.hpp"
#include "client/cli/command_session.hpp"
#include "client/cli/network_options.hpp"
#include "client/cli/store_access.hpp"
#include "client/format/output.hpp"
#include "client/store/identity_store.hpp"
#include "client/store/sync_state.hpp"
#include "client/sync/api_client.hpp"
#include "client/sync/enrolment.hpp"
#include "client/sync/recovery_upload.hpp"
#include "common/clock/hybrid_clock.hpp"
#include "common/duration.hpp"
#include "common/error.hpp"
#include "protocol/enrolment_code.hpp"

namespace dspt::client {

namespace {

struct EnrolOptions {
    std::string server;
    std::string code;
    std::string name;
    std::string ca_file;
    bool again = false;  // enrol --again
    // invite
    std::string site;
    bool hq = false;
    std::string expires_in = "72h";
    // invites
    std::string cancel;
    // recover-key
    std::string recovery_code;
    bool json = false;
};

void run_enrol(CommandContext& context, const EnrolOptions& options) {
    auto transport_settings = transport_options(context);
    auto store = open_store(context.global);
    const auto old = load_identity(*store);
    if (old && !options.again) {
        fail(ErrorCode::already_exists,
             "this store is already enrolled with a server (after its device was revoked: "
             "'dspt enrol --again --code CODE')");
    }
    if (!old && options.again) {
        fail(ErrorCode::failed_precondition,
             "this store is not enrolled yet: run 'dspt enrol' without --again");
    }
    // Enrolled again: the same server and certificate unless given.
    const auto server = !options.server.empty() ? options.server : old ? old->server_url : "";
    if (server.empty()) {
        fail(ErrorCode::invalid_argument, "--server URL is required");
    }
    const auto ca_file = !options.ca_file.empty() ? options.ca_file : old ? old->ca_file : "";
    const auto code = protocol::EnrolmentCode::parse(options.code);
    const auto url = ServerUrl::parse(server);

    transport_settings.ca_file = ca_file;
    const auto transport = make_http_transport(url, transport_settings);
    const auto waiting = sync_backlog(*store).changes;
    const auto enrolment = [&] {
        try {
            return enrol_device(*store, *transport, code,
                                {url.to_string(), ca_file, options.name, options.again});
        } catch (const Error& e) {
            if (e.code() != ErrorCode::unauthenticated) {
                throw;
            }
            // The server answers unknown and wrong codes alike, so codes cannot be probed.
            fail(ErrorCode::unauthenticated,
                 std::string(e.what()) +
                     ": it is not a code this server issued, or it was mistyped. Check it "
                     "against the code you were given (and --server), or ask whoever gave it "
                     "for a new one");
        }
    }();
    const auto& identity = enrolment.identity;

    auto& out = *context.out;
    out << (options.again ? "Enrolled again as the " : "Enrolled as the ")
        << protocol::to_string(identity.role) << " device " << identity.device_id;
    if (!identity.site_ods.empty()) {
        out << " of site " << identity.site_ods << " (" << identity.site_name << ")";
    } else if (!identity.organisation_ods.empty()) {
        out << " of " << identity.organisation_ods << " (" << identity.organisation_name << ")";
    } else {
        out << " of partner " << identity.partner_name;
    }
    out << "\n";

    if (options.again) {
        out << "This store's answers, evidence and " << waiting
            << " unsent change(s) are kept; the next sync sends them under this identity.\n";
    }
    if (identity.role == protocol::Role::partner) {
        return;  // partners never hold the organisation key
    }
    if (!enrolment.key_problem.empty()) {
        fail(ErrorCode::authentication_failed, "enrolled, but " + enrolment.key_problem);
    }
    if (enrolment.recovery_code) {
        out << "Created the organisation key. Its recovery code is shown only this once; write "
               "it down and keep it safe, away from this computer:\n\n    "
            << enrolment.recovery_code->to_string() << "\n\n"
            << "With it, a new device can recover the organisation's evidence if every device "
               "is lost.\n";
        ApiClient api(*transport, identity.device_id, identity.signing);
        send_pending_recovery(*store, api, *context.err);
        return;
    }
    if (enrolment.received_key) {
        out << "Received the organisation key from the inviting device.\n";
        return;
    }
    if (options.again && load_organisation_key(*store)) {
        out << "This store still holds the organisation key.\n";
        return;
    }
    out << "This device has no copy of the organisation key yet: run 'dspt recover-key' "
           "with the organisation's recovery code, or enrol with a code from 'dspt invite'.\n";
}

void run_invite(CommandContext& context, const EnrolOptions& options) {
    if (options.hq == !options.site.empty()) {
        fail(ErrorCode::invalid_argument, "give --site CODE for a branch device, or --hq");
    }
    auto store = open_store(context.global);
    const auto identity = require_identity(*store);
    const auto organisation_key = load_organisation_key(*store);
    if (!organisation_key) {
        fail(ErrorCode::failed_precondition,
             "this device has no organisation key to share; run 'dspt recover-key' first");
    }
    const auto code = protocol::EnrolmentCode::generate();
    protocol::InviteRequest request;
    request.role = options.hq ? protocol::Role::headquarters : protocol::Role::branch;
    request.site_ods = options.site;
    request.token_id = code.token_id();
    request.verifier = protocol::verifier(protocol::auth_key(code.secret()));
    request.organisation_key_envelope =
        protocol::seal_organisation_key(code, protocol::CodePurpose::enrolment, *organisation_key);
    const auto lifetime = parse_duration(options.expires_in);
    request.expires_at_ms = static_cast<std::int64_t>(HybridClock::system_millis()) +
                            std::chrono::duration_cast<std::chrono::milliseconds>(lifetime).count();
    const auto transport = transport_for(identity, {}, transport_options(context));
    SessionKeep keep(*store, identity.device_id, identity.server_url);
    ApiClient api(*transport, identity.device_id, identity.signing, &HybridClock::system_millis,
                  &keep);
    // Only a key the server holds a recovery copy of may be shared.
    if (!send_pending_recovery(*store, api, *context.err)) {
        fail(ErrorCode::network,
             "the organisation key's recovery copy must reach the server before it is shared");
    }
    const auto response = api.invite(request);
    if (options.json) {
        *context.out << nlohmann::json{{"code", code.to_string()},
                                       {"role", protocol::to_string(request.role)},
                                       {"site", options.site},
                                       {"expires_at_ms", response.expires_at_ms}}
                            .dump(2)
                     << "\n";
        return;
    }
    *context.out << "Enrolment code for a " << protocol::to_string(request.role) << " device"
                 << (options.site.empty() ? "" : " of site " + options.site)
                 << " (single use, valid " << format_duration(lifetime) << "):\n"
                 << code.to_string() << "\n";
}

// `dspt invites [--cancel ID]`: the codes this device made that nobody used.
void run_invites(CommandContext& context, const EnrolOptions& options) {
    auto store = open_store(context.global);
    const auto identity = require_identity(*store);
    const auto transport = transport_for(identity, {}, transport_options(context));
    SessionKeep keep(*store, identity.device_id, identity.server_url);
    ApiClient api(*transport, identity.device_id, identity.signing, &HybridClock::system_millis,
                  &keep);
    const auto what = [](const protocol::InviteView& invite) {
        return "a " + std::string(protocol::to_string(invite.role)) + " device" +
               (invite.site_ods.empty() ? "" : " of site " + invite.site_ods);
    };
    if (!options.cancel.empty()) {
        const auto cancelled =
            api.cancel_invite(protocol::EnrolmentCode::token_id_of(options.cancel));
        if (options.json) {
            *context.out << nlohmann::json{{"cancelled", cancelled.token_id}}.dump(2) << "\n";
            return;
        }
        *context.out << "Cancelled code " << cancelled.token_id << " (for " << what(cancelled)
                     << "): it can no longer enrol a device.\n";
        return;
    }
    const auto list = api.invites();
    if (options.json) {
        auto rows = nlohmann::json::array();
        for (const auto& invite : list.invites) {
            rows.push_back({{"id", invite.token_id},
                            {"role", protocol::to_string(invite.role)},
                            {"site", invite.site_ods},
                            {"created_at_ms", invite.created_at_ms},
                            {"expires_at_ms", invite.expires_at_ms}});
        }
        *context.out << rows.dump(2) << "\n";
        return;
    }
    if (list.invites.empty()) {
        *context.out << "No code this device made is waiting to be used.\n";
        return;
    }
    *context.out << "Codes this device made that nobody has used yet:\n";
    for (const auto& invite : list.invites) {
        *context.out << "  " << invite.token_id << "  for " << what(invite) << ", made "
                     << format_time(invite.created_at_ms) << " UTC, works until "
                     << format_time(invite.expires_at_ms) << " UTC\n";
    }
    *context.out << "Cancel one that was lost or sent to the wrong person with 'dspt invites "
                    "--cancel ID'.\n";
}

void run_recover(CommandContext& context, const EnrolOptions& options) {
    auto store = open_store(context.global);
    const auto identity = require_identity(*store);
    const auto code = protocol::EnrolmentCode::parse(options.recovery_code);
    const auto transport = transport_for(identity, {}, transport_options(context));
    SessionKeep keep(*store, identity.device_id, identity.server_url);
    ApiClient api(*transport, identity.device_id, identity.signing, &HybridClock::system_millis,
                  &keep);
    const auto envelope = api.recovery();
    crypto::SecretKey key;
    try {
        key =
            protocol::open_organisation_key(code, protocol::CodePurpose::recovery, envelope.sealed);
    } catch (const Error& e) {
        if (e.code() != ErrorCode::authentication_failed) {
            throw;
        }
        fail(ErrorCode::invalid_argument, "that recovery code does not open the organisation key");
    }
    save_organisation_key(*store, key);
    *context.out << "Recovered the organisation key of " << identity.organisation_ods << ".\n";
}

void run_whoami(CommandContext& context, bool json) {
    auto store = open_store(context.global);
    const auto identity = require_identity(*store);
    const auto transport = transport_for(identity, {}, transport_options(context));
    SessionKeep keep(*store, identity.device_id, identity.server_url);
    ApiClient api(*transport, identity.device_id, identity.signing, &HybridClock::system_millis,
                  &keep);
    const auto server_view = api.whoami();
    send_pending_recovery(*store, api, *context.err);
    const bool has_key = load_organisation_key(*store).has_value();
    if (json) {
        *context.out << nlohmann::json{{"server", identity.server_url},
                                       {"device_id", server_view.device_id},
                                       {"role", protocol::to_string(server_view.role)},
                                       {"organisation", server_view.organisation_ods},
                                       {"site", server_view.site_ods},
                                       {"partner", server_view.partner_name},
                                       {"organisation_key", has_key}}
                            .dump(2)
                     << "\n";
        return;
    }
    auto& out = *context.out;
    out << "Server:       " << identity.server_url << "\n"
        << "Device:       " << server_view.device_id << " ("
        << protocol::to_string(server_view.role) << ")\n";
    if (!server_view.organisation_ods.empty()) {
        out << "Organisation: " << server_view.organisation_ods << "\n";
    }
    if (!server_view.site_ods.empty()) {
        out << "Site:         " << server_view.site_ods << "\n";
    }
    if (!server_view.partner_name.empty()) {
        out << "Partner:      " << server_view.partner_name << "\n";
    }
    if (server_view.role != protocol::Role::partner) {
        out << "Organisation key: " << (has_key ? "held" : "missing") << "\n";
    }
}

}  // namespace

void add_enrol_commands(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<EnrolOptions>();

    auto* enrol = app.add_subcommand("enrol", "Enrol this store's device with a server");
    enrol->add_option("--server", options->server,
                      "The server, e.g. https://dspt.example.org (with --again: the same as "
                      "before unless given)");
    enrol->add_option("--code", options->code, "The single-use enrolment code")->required();
    enrol->add_option("--name", options->name, "This device's name (default: the site name)");
    enrol->add_option("--ca-file", options->ca_file,
                      "Trust this certificate (PEM) for the server instead of the system's");
    enrol->add_flag("--again", options->again,
                    "Enrol this store again with a new code, after the organisation revoked its "
                    "device: its answers, evidence and unsent changes are kept and sent under the "
                    "new identity");
    add_network_options(enrol, context);
    on_run(enrol, context, [&context, options] { run_enrol(context, *options); });

    auto* invite = app.add_subcommand("invite", "Make an enrolment code for another device");
    ods_codes(invite->add_option("--site", options->site, "For the branch device of this site"));
    invite->add_flag("--hq", options->hq, "For another headquarters device");
    invite
        ->add_option("--expires-in", options->expires_in,
                     "How long the code stays valid: 90m, 72h, 7d (at most 30d)")
        ->capture_default_str();
    invite->add_flag("--json", options->json, "Machine-readable output");
    add_network_options(invite, context);
    on_run(invite, context, [&context, options] { run_invite(context, *options); });

    auto* invites = app.add_subcommand(
        "invites", "List the enrolment codes this device made that nobody has used, or cancel one");
    invites->add_option("--cancel", options->cancel,
                        "Cancel this code (its id, as listed, or the whole code)");
    invites->add_flag("--json", options->json, "Machine-readable output");
    add_network_options(invites, context);
    on_run(invites, context, [&context, options] { run_invites(context, *options); });

    auto* recover = app.add_subcommand(
        "recover-key", "Recover the organisation key with the organisation's recovery code");
    recover->add_option("--recovery-code", options->recovery_code, "The recovery code")->required();
    add_network_options(recover, context);
    on_run(recover, context, [&context, options] { run_recover(context, *options); });

    auto* whoami = app.add_subcommand("whoami", "Show this device as the server knows it");
    whoami->add_flag("--json", options->json, "Machine-readable output");
    add_network_options(whoami, context);
    on_run(whoami, context, [&context, options] { run_whoami(context, options->json); });
}

}  // namespace dspt::client
