#pragma once
// The API's routes: decode, authenticate, authorise, call the service, encode
// (docs/architecture.md, "The server": handlers are thin). The router sees only the plain
// http::Request and http::Response, never a socket.
//
// The /v1/ endpoints are a table of {method, pattern, handler} in router.cpp
// (route_table.hpp): "GET /v1/orgs/<ods>/grants" is both how a request finds its handler
// and the route's name in the access log and the metrics. A path no entry matches, or
// matches only under another method, is 404 "no such endpoint: <method> <path>".
//
//   POST   /v1/enrol                        EnrolRequest -> EnrolResponse (no signature)
//   POST   /v1/session                      SessionRequest -> SessionOffer (201; signed,
//                                           never in a session: opens a request session)
//   GET    /v1/whoami                       -> Identity (the authenticated no-op)
//   POST   /v1/invites                      InviteRequest -> InviteResponse
//   PUT    /v1/org/recovery                 KeyEnvelope
//   GET    /v1/org/recovery                 -> KeyEnvelope
//   GET    /v1/orgs/<ods>                   -> OrganisationView
//   GET    /v1/orgs/<ods>/grants            -> GrantList
//   POST   /v1/orgs/<ods>/grants            GrantRequest -> GrantView
//   DELETE /v1/orgs/<ods>/grants/<partner>  -> GrantView
//   GET    /v1/sites/<ods>                  -> SiteInfo
//   GET    /v1/partner/summary?year=<year>  -> PartnerSummary (a partner's device)
//   PUT    /v1/partner/groups/<ods>         PartnerGroupRequest (204): the partner's label
//   POST   /v1/sync                         SyncRequest -> SyncResponse (one sync exchange)
//   POST   /v1/sync/push                    PushRequest -> PushResponse
//   GET    /v1/sync/pull?since=<cursor>     -> PullResponse
//   GET    /v1/blobs/<evidence>             -> BlobStatus
//   PUT    /v1/blobs/<evidence>/<index>     one sealed chunk
//   GET    /v1/blobs/<evidence>/<index>     -> the sealed chunk
//   POST   /v1/publish                      PublishRequest -> PublishResponse (201 when
//                                           published now, 200 otherwise)
//   GET    /v1/publications                 -> PublicationList
//   GET    /v1/certificates/<year>.pdf|.png -> the device's organisation's certificate
//                                              (application/pdf, image/png)
//   POST   /v1/web/login-links?year=<year>  -> WebLoginLink (201): a browser login link
//
// Every path that is /web or under /web/ goes to the web routes (web_routes.hpp): the
// signed-in dashboards, reached through a login link and a session cookie.
//
// Every path not under /v1/ goes to the public routes (public_routes.hpp), which need
// no signature and serve only the public register:
//   GET    /                                the HTML search page (?q=&page=&per_page=)
//   GET    /api/v1/organisations            the register as JSON (same parameters)
//   GET    /api/v1/organisations.csv        every match as CSV (?q=)
//   GET    /certificates/<ods>/<year>.pdf|.png  an organisation's certificate
//
// Every error becomes a JSON answer through api::error_response. A fault of the server's
// own (a 500) answers "internal server error"; its message goes in Response::error, which
// the access log writes on the request's line.
//
// Thread-safety: handle() runs on many threads at once; the router holds no
// state of its own beyond the shared Context.

#include "http/request.hpp"
#include "server/context.hpp"

namespace dspt::server::api {

class Router {
  public:
    explicit Router(Context& context) : context_(context) {}

    http::Response handle(const http::Request& request) const;

  private:
    Context& context_;
};

}  // namespace dspt::server::api
