#pragma once
// The security headers of every answer dsptsync serves to a browser, in one
// place: which Content-Security-Policy a page gets, whether it may be framed,
// cached or sent as a referrer. Each kind of answer names what it is, and
// gets its headers here.
//
// Thread-safety: a pure function.

#include "http/request.hpp"

namespace dspt::http {

enum class PageKind {
    // The public register's HTML page: inline style, forms to itself, no
    // script. Anyone may link to it; it holds nothing private.
    public_page,
    // The public register's data (JSON, CSV, a certificate): only nosniff.
    public_data,
    // The signed-in pages under /web/: no script, not framed, not cached,
    // no referrer (the session must not leak).
    signed_in_page,
    // The local screen (`dspt ui`): its own script, images and calls back to
    // itself, on 127.0.0.1 only; not framed, not cached, referrer to itself.
    local_screen,
};

// Sets the headers `kind` carries on `response`, replacing any it had.
void add_security_headers(Response& response, PageKind kind);

}  // namespace dspt::http
