#include "http/security_headers.hpp"

#include <string>
#include <string_view>

namespace dspt::http {

namespace {

void set(Response& response, std::string_view name, std::string_view value) {
    response.headers.insert_or_assign(std::string(name), std::string(value));
}

// Never framed, never cached: for pages that show a person's own data.
void private_page(Response& response, std::string_view referrer_policy) {
    set(response, "Referrer-Policy", referrer_policy);
    set(response, "Cache-Control", "no-store");
    set(response, "X-Frame-Options", "DENY");
}

}  // namespace

void add_security_headers(Response& response, PageKind kind) {
    set(response, "X-Content-Type-Options", "nosniff");
    switch (kind) {
        case PageKind::public_data:
            return;
        case PageKind::public_page:
            set(response, "Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
            return;
        case PageKind::signed_in_page:
            set(response, "Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                "frame-ancestors 'none'; base-uri 'none'");
            private_page(response, "no-referrer");
            return;
        case PageKind::local_screen:
            set(response, "Content-Security-Policy",
                "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; "
                "img-src 'self'; connect-src 'self'; form-action 'self'; "
                "frame-ancestors 'none'; base-uri 'none'");
            private_page(response, "same-origin");
            return;
    }
}

}  // namespace dspt::http
