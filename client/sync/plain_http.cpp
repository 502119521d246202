#include "client/sync/plain_http.hpp"

#include <string>

#include "client/sync/transport.hpp"
#include "common/error.hpp"

namespace dspt::client {

namespace {

bool is_localhost_name(std::string_view host) noexcept {
    constexpr std::string_view kLocalhost = "localhost";
    if (host.size() != kLocalhost.size()) {
        return false;
    }
    for (std::size_t i = 0; i < host.size(); ++i) {
        const char c = host[i];
        if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kLocalhost[i]) {
            return false;
        }
    }
    return true;
}

}  // namespace

bool is_loopback_address(const boost::asio::ip::address& address) noexcept {
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6())
            .is_loopback();
    }
    return address.is_loopback();
}

bool is_loopback_host(std::string_view host) noexcept {
    if (is_localhost_name(host)) {
        return true;
    }
    boost::system::error_code error;
    const auto address = boost::asio::ip::make_address(std::string(host), error);
    return !error && is_loopback_address(address);
}

void refuse_plain_http(const ServerUrl& url, std::string_view reached) {
    fail(ErrorCode::invalid_argument,
         "refusing plain http:// to " + std::string(reached) +
             ": answers, comments and keys would cross the network unencrypted. Use the "
             "server's https:// address (with --ca-file FILE when its certificate is "
             "self-signed), or give --insecure-http if every network between here and " +
             url.host + " is trusted");
}

void require_encrypted_or_local(const ServerUrl& url, bool insecure_http) {
    if (url.tls || insecure_http || is_loopback_host(url.host)) {
        return;
    }
    refuse_plain_http(url, url.host);
}

}  // namespace dspt::client
