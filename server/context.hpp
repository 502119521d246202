#pragma once
// The application state every request shares (docs/architecture.md, "The server"): the store, the
// authenticator, the access rules and the services. Built once by `serve`,
// handed to the router by reference; no globals.
//
// Thread-safety: every member may be used from all server threads at once.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/rate_limiter.hpp"
#include "server/auth/access_policy.hpp"
#include "server/auth/authenticator.hpp"
#include "server/auth/enrolment_service.hpp"
#include "server/progress/progress_service.hpp"
#include "server/publish/certificate_cache.hpp"
#include "server/publish/publish_service.hpp"
#include "server/publish/statistics.hpp"
#include "server/registry/grant_service.hpp"
#include "server/registry/organisation_service.hpp"
#include "server/store/repository.hpp"
#include "server/sync/blob_service.hpp"
#include "server/sync/sync_exchange.hpp"
#include "server/sync/sync_service.hpp"
#include "server/web/web_sign_in.hpp"

namespace dspt::server {

struct Context {
    using Clock = std::function<std::int64_t()>;  // Unix milliseconds

    // `max_value_bytes`: the largest change value the server takes (at most
    // protocol::kMaxChangeValueBytes); `storage_quota_bytes`: the evidence one
    // organisation may keep on the server (0: no quota).
    Context(std::unique_ptr<store::Repository> repo, auth::AuthConfig auth_config, Clock now,
            std::size_t max_value_bytes = sync::kMaxPayloadBytes,
            std::uint64_t storage_quota_bytes = 0)
        : repository(std::move(repo)),
          clock(std::move(now)),
          authenticator(*repository, auth_config, clock),
          policy(*repository, clock),
          enrolment(*repository, policy, clock),
          organisations(*repository, policy),
          grants(*repository, policy),
          sync(*repository, policy, max_value_bytes),
          blobs(*repository, policy, storage_quota_bytes),
          publishing(*repository),
          progress(*repository, policy),
          exchange(sync, blobs, publishing, organisations, progress, policy),
          web_sign_in(*repository) {}

    std::unique_ptr<store::Repository> repository;
    Clock clock;
    auth::Authenticator authenticator;
    auth::AccessPolicy policy;
    auth::EnrolmentService enrolment;
    registry::OrganisationService organisations;
    registry::GrantService grants;
    sync::SyncService sync;
    sync::BlobService blobs;
    publish::PublishService publishing;
    progress::ProgressService progress;
    sync::SyncExchange exchange;  // POST /v1/sync, over the services above
    web::WebSignIn web_sign_in;
    // Certificates drawn once and kept (publish/certificate_cache.hpp).
    publish::CertificateCache certificates;
    // The public statistics counted lately (publish/statistics.hpp).
    publish::StatisticsCache statistics;
    // How often one client address may make a request anyone may make (the public
    // register, certificates); none: no limit. Set once, before the server starts.
    std::unique_ptr<http::RateLimiter> public_rate;
    // Whether the server itself speaks TLS. Set once, before the server starts.
    bool tls = false;
    // Where browsers reach the server, "https://dspt.example.org" without a
    // trailing slash (`--public-url`, behind a TLS-terminating proxy); empty
    // when not given. Set once, before the server starts.
    std::string public_url;

    // Whether browser cookies are marked Secure: the server speaks TLS, or
    // browsers reach it through https:// (public_url).
    bool secure_cookies() const noexcept { return tls || !public_url.empty(); }
    // `path` ("/web/") as a link for a browser: absolute under public_url when
    // it is set, else as it is.
    std::string link_to(std::string_view path) const { return public_url + std::string(path); }
};

}  // namespace dspt::server
