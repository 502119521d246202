#pragma once
// When the client may talk to a server over plain http:// (docs/security.md, "In
// transit"). Everything a device sends crosses the network in it: answers,
// comments, enrolment keys, the sealed organisation key and signed requests. So
// plain HTTP is for a server on this computer only (127.0.0.0/8, ::1,
// "localhost"), unless the person running the command says the network is
// trusted (`--insecure-http`, TransportOptions::insecure_http).
//
// The one check: make_http_transport() applies it to every address, the one
// given to `dspt enrol` as much as the one kept with the device's identity or
// given for one run with --server, before anything is sent, and again to the
// addresses a name such as "localhost" resolves to.

#include <string_view>

#include <boost/asio/ip/address.hpp>

namespace dspt::client {

struct ServerUrl;

// Whether `host`, as a server URL names it, is this computer: "localhost" (any
// case), an IPv4 address in 127.0.0.0/8, or ::1 (also as an IPv4-mapped
// 127.x address). Any other name is not, even one that resolves to loopback.
bool is_loopback_host(std::string_view host) noexcept;
bool is_loopback_address(const boost::asio::ip::address& address) noexcept;

// Throws Error(invalid_argument) for an http:// URL whose host is not loopback,
// unless `insecure_http`; the message says why and what to do instead. An
// https:// URL always passes.
void require_encrypted_or_local(const ServerUrl& url, bool insecure_http);

// The same refusal for a loopback name that resolved to `address`, elsewhere.
[[noreturn]] void refuse_plain_http(const ServerUrl& url, std::string_view reached);

}  // namespace dspt::client
