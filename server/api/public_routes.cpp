#include "server/api/public_routes.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include "common/error.hpp"
#include "common/form_encoding.hpp"
#include "common/standards/year.hpp"
#include "common/text.hpp"
#include "http/header_values.hpp"
#include "http/rate_limiter.hpp"
#include "http/security_headers.hpp"
#include "server/api/error_response.hpp"
#include "server/publish/certificate.hpp"
#include "server/publish/certificate_cache.hpp"
#include "server/publish/statistics.hpp"

namespace dspt::server::api {

namespace {

// A whole number from 1 to `max`; throws invalid_argument naming the parameter.
std::size_t parse_count(std::string_view name, std::string_view text, std::size_t max) {
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value < 1 ||
        value > max) {
        fail(ErrorCode::invalid_argument,
             std::string(name) + " must be a whole number from 1 to " + std::to_string(max));
    }
    return value;
}

publish::RegisterQuery checked_query(const std::vector<std::pair<std::string, std::string>>& form) {
    publish::RegisterQuery query;
    std::vector<std::string> seen;
    for (const auto& [name, value] : form) {
        if (name != "q" && name != "page" && name != "per_page") {
            continue;  // other parameters are ignored (see the header)
        }
        if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
            fail(ErrorCode::invalid_argument, name + " is given more than once");
        }
        seen.push_back(name);
        if (name == "page") {
            query.page = parse_count("page", value, publish::kMaxPage);
        } else if (name == "per_page") {
            query.per_page = parse_count("per_page", value, publish::kMaxPerPage);
        } else {
            query.text = std::string(trim(value, " \t"));
        }
    }
    if (query.text.size() > publish::kMaxQueryBytes) {
        fail(ErrorCode::invalid_argument,
             "the search text is " + std::to_string(query.text.size()) + " bytes long; at most " +
                 std::to_string(publish::kMaxQueryBytes) + " are searched");
    }
    const bool control = std::any_of(query.text.begin(), query.text.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
    });
    if (control || publish::repair_utf8(query.text) != query.text) {
        fail(ErrorCode::invalid_argument,
             "the search text must be UTF-8 text without control characters");
    }
    return query;
}

Date today(const Context& context) {
    return Date::from_unix_ms(context.clock());
}

// Headers every public answer carries.
http::Response public_response(std::string content_type, std::string body) {
    http::Response response;
    response.content_type = std::move(content_type);
    response.body = std::move(body);
    http::add_security_headers(response, http::PageKind::public_data);
    return response;
}

store::PublicPage search(const Context& context, const publish::RegisterQuery& query) {
    return context.repository->search_public(query.text, (query.page - 1) * query.per_page,
                                             query.per_page);
}

// The statistics of `year` on the server's today, counted lately or now.
publish::PublicStatistics counted_statistics(Context& context, const std::string& year) {
    const auto day = today(context);
    return context.statistics.get(year, day, publish::StatisticsCache::Clock::now(), [&] {
        return publish::read_statistics(*context.repository, year, day);
    });
}

http::Response search_page(Context& context, const http::Request& request) {
    int status = 200;
    std::string body;
    try {
        const auto query = parse_register_query(request.query);
        // The first page of an empty search is the register's front page: it shows the
        // statistics of the current year too.
        std::string statistics;
        if (query.text.empty() && query.page == 1) {
            const auto year = publish::default_statistics_year(today(context));
            statistics = publish::statistics_section(counted_statistics(context, year));
        }
        body = publish::render_html(query, search(context, query), today(context), statistics);
    } catch (const Error& e) {
        status = http_status_for(e.code());
        if (status >= 500) {
            throw;  // the router logs it and answers without the details
        }
        body = publish::render_html_error(e.what());
    }
    auto response = public_response("text/html; charset=utf-8", std::move(body));
    response.status = status;
    http::add_security_headers(response, http::PageKind::public_page);
    return response;
}

// The year a statistics request asks for (`year`, else the current one); throws
// invalid_argument for a malformed year, one given twice, or one without statistics.
std::string statistics_year(const Context& context, std::string_view raw_query) {
    std::optional<std::string> year;
    for (const auto& [name, value] : parse_form(raw_query)) {
        if (name != "year") {
            continue;  // other parameters are ignored, as on the search
        }
        if (year) {
            fail(ErrorCode::invalid_argument, "year is given more than once");
        }
        year = value;
    }
    if (!year) {
        return publish::default_statistics_year(today(context));
    }
    if (!standards::is_valid_year(*year)) {
        fail(ErrorCode::invalid_argument,
             "year must be a standards year written like 2025-26, not \"" +
                 publish::repair_utf8(year->substr(0, 40)) + "\"");
    }
    const auto years = publish::statistics_years();
    if (std::find(years.begin(), years.end(), *year) == years.end()) {
        fail(ErrorCode::invalid_argument, "there are no statistics for " + *year +
                                              ": this server has standards for " +
                                              joined(years, ", "));
    }
    return *year;
}

http::Response statistics_page(Context& context, const http::Request& request) {
    int status = 200;
    std::string body;
    try {
        const auto year = statistics_year(context, request.query);
        body = publish::statistics_page(counted_statistics(context, year));
    } catch (const Error& e) {
        status = http_status_for(e.code());
        if (status >= 500) {
            throw;
        }
        body = publish::render_html_error(e.what(), "These statistics were refused");
    }
    auto response = public_response("text/html; charset=utf-8", std::move(body));
    response.status = status;
    http::add_security_headers(response, http::PageKind::public_page);
    return response;
}

}  // namespace

publish::CertificateContent certificate_content(Context& context,
                                                const store::Organisation& organisation,
                                                const store::Publication& publication) {
    publish::CertificateContent content;
    content.organisation_name = organisation.name;
    content.organisation_ods = organisation.ods;
    const auto sites = context.repository->sites_of(organisation.ods);
    for (const auto& code : publication.sites) {
        const auto site = std::find_if(sites.begin(), sites.end(),
                                       [&](const store::Site& each) { return each.ods == code; });
        content.sites.push_back(site == sites.end() ? code : site->name + " (" + code + ")");
    }
    content.level = publication.level;
    content.year = publication.year;
    content.published = Date::from_unix_ms(publication.published_at_ms);
    content.lapses = standards::lapses_on(content.published);
    // The organisation's row shows every site it covers, each with its own status.
    content.register_address = context.link_to("/?q=" + form_encode(organisation.ods));
    return content;
}

namespace {

// A 429 or 503 that says when to come back.
http::Response come_back_later(int status, std::chrono::seconds after, const std::string& message,
                               bool page) {
    auto response =
        page ? public_response("text/html; charset=utf-8", publish::render_html_error(message))
             : public_response("application/json",
                               http::error_body(ErrorCode::unavailable, message));
    if (page) {
        http::add_security_headers(response, http::PageKind::public_page);
    }
    response.status = status;
    response.headers.emplace("Retry-After", std::to_string(after.count()));
    return response;
}

// The certificate of `publication`, asked for by `code` (the organisation's or a site's).
http::Response certificate(Context& context, const store::Organisation& organisation,
                           const store::Publication& publication, publish::CertificateFormat format,
                           std::string_view code) {
    const auto drawn =
        context.certificates.get(certificate_content(context, organisation, publication), format);
    if (std::holds_alternative<publish::CertificateCache::Busy>(drawn)) {
        return come_back_later(503, std::chrono::seconds(1),
                               "the certificate is being drawn: try again in a second", false);
    }
    auto response = public_response(std::string(publish::content_type(format)),
                                    *std::get<publish::CertificateCache::Drawing>(drawn));
    // A publication never changes; its organisation's name rarely does.
    response.headers.emplace("Cache-Control", "public, max-age=3600");
    response.headers.emplace(
        "Content-Disposition",
        http::content_disposition(http::Disposition::inline_shown,
                                  "dspt-certificate-" + std::string(code) + "-" + publication.year +
                                      "." + std::string(publish::extension(format))));
    return response;
}

}  // namespace

void prepare_certificates(Context& context, std::int64_t publication_id,
                          std::string_view organisation_ods) {
    const auto organisation = context.repository->find_organisation(organisation_ods);
    if (!organisation) {
        return;
    }
    for (const auto& publication : context.repository->publications_of(organisation_ods)) {
        if (publication.id == publication_id &&
            publish::certificate_offered(publication.level, publication.year, today(context))) {
            context.certificates.prepare(certificate_content(context, *organisation, publication));
        }
    }
}

namespace {

// GET /certificates/<code>/<file>: anyone, by organisation code, or by site code for
// the latest publication that covers that site (an organisation's code is looked up
// first).
http::Response public_certificate(Context& context, std::string_view code, std::string_view file) {
    const auto wanted = publish::parse_certificate_file(file);
    if (!wanted) {
        fail(ErrorCode::not_found, "certificates are named <year>.pdf or <year>.png");
    }
    // An unknown code gets the answer of a code with nothing published, "no certificate
    // for <code> <year>": the register says no more than its search does.
    auto& repo = *context.repository;
    auto organisation = repo.find_organisation(code);
    std::optional<std::string_view> site;
    if (!organisation) {
        if (const auto found = repo.find_site(code)) {
            organisation = repo.find_organisation(found->organisation_ods);
            site = code;
        }
    }
    const auto publications =
        organisation ? repo.publications_of(organisation->ods) : std::vector<store::Publication>{};
    const auto& publication = publish::certificate_publication(
        publications, organisation ? organisation->ods : code, wanted->year, today(context), site);
    if (!organisation) {  // certificate_publication has thrown already: no publications
        fail(ErrorCode::internal, "a certificate was found for an unknown organisation");
    }
    return certificate(context, *organisation, publication, wanted->format, code);
}

http::Response method_not_allowed(const http::Request& request) {
    auto response = error_response(
        Error(ErrorCode::invalid_argument, "only GET is allowed on " + request.path));
    response.status = 405;
    response.headers.emplace("Allow", "GET");
    return response;
}

}  // namespace

publish::RegisterQuery parse_register_query(std::string_view raw_query) {
    const auto form = parse_form(raw_query);
    return checked_query(form);
}

http::Response handle_public(Context& context, const http::Request& request, http::Response& meta) {
    const auto& path = request.path;
    const bool get = request.method == "GET";
    constexpr std::string_view kCertificates = "/certificates/";

    std::string route;
    if (path == "/" || path == "/statistics") {
        route = path;
    } else if (path == "/api/v1/organisations" || path == "/api/v1/organisations.csv" ||
               path == "/api/v1/statistics" || path == "/api/v1/statistics.csv") {
        route = path;
    } else if (path.starts_with(kCertificates)) {
        const auto rest = std::string_view(path).substr(kCertificates.size());
        const auto slash = rest.find('/');
        const auto file =
            slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
        if (slash != 0 && slash != std::string_view::npos &&
            file.find('/') == std::string_view::npos) {
            const auto wanted = publish::parse_certificate_file(file);
            route = !wanted ? "/certificates/<ods>/<file>"
                    : wanted->format == publish::CertificateFormat::pdf
                        ? "/certificates/<ods>/<year>.pdf"
                        : "/certificates/<ods>/<year>.png";
        }
    }
    if (route.empty()) {
        meta.route = request.method + " (unrouted)";
        fail(ErrorCode::not_found, "no such endpoint: " + request.method + " " + path);
    }
    if (!get) {
        meta.route = request.method + " (unrouted)";
        return method_not_allowed(request);
    }
    meta.route = "GET " + route;
    if (context.public_rate) {
        const auto allowed =
            context.public_rate->take(http::address_without_port(request.remote_address));
        if (!allowed.allowed) {
            return come_back_later(429, allowed.retry_after,
                                   "too many requests from this address: try again in " +
                                       std::to_string(allowed.retry_after.count()) + " s",
                                   path == "/" || path == "/statistics");
        }
    }

    if (path == "/") {
        return search_page(context, request);
    }
    if (path == "/statistics") {
        return statistics_page(context, request);
    }
    if (path == "/api/v1/statistics" || path == "/api/v1/statistics.csv") {
        const auto year = statistics_year(context, request.query);
        const auto statistics = counted_statistics(context, year);
        if (path == "/api/v1/statistics") {
            return public_response("application/json", publish::statistics_json(statistics));
        }
        auto response =
            public_response("text/csv; charset=utf-8", publish::statistics_csv(statistics));
        response.headers.emplace("Content-Disposition",
                                 http::content_disposition(http::Disposition::attachment,
                                                           "dspt-statistics-" + year + ".csv"));
        return response;
    }
    if (path == "/api/v1/organisations") {
        const auto query = parse_register_query(request.query);
        return public_response("application/json",
                               publish::render_json(query, search(context, query), today(context)));
    }
    if (path == "/api/v1/organisations.csv") {
        const auto query = parse_register_query(request.query);
        const auto page = context.repository->search_public(query.text, 0, publish::kMaxCsvRows);
        auto response =
            public_response("text/csv; charset=utf-8", publish::render_csv(page, today(context)));
        response.headers.emplace(
            "Content-Disposition",
            http::content_disposition(http::Disposition::attachment, "dspt-organisations.csv"));
        // How many matched, when that is more than the file holds.
        response.headers.emplace("X-Total-Count", std::to_string(page.total));
        return response;
    }
    const auto rest = path.substr(kCertificates.size());
    const auto slash = rest.find('/');
    // A percent-escape in the code or year finds nothing: codes and years have none.
    return public_certificate(context, std::string_view(rest).substr(0, slash),
                              std::string_view(rest).substr(slash + 1));
}

http::Response device_certificate(Context& context, const store::Device& device,
                                  std::string_view file) {
    context.policy.require_certificates(device);
    const auto wanted = publish::parse_certificate_file(file);
    if (!wanted) {
        fail(ErrorCode::not_found, "certificates are named <year>.pdf or <year>.png");
    }
    auto& repo = *context.repository;
    const auto organisation = repo.find_organisation(device.organisation_ods);
    if (!organisation) {
        fail(ErrorCode::not_found, "there is no organisation " + device.organisation_ods);
    }
    const auto publications = repo.publications_of(organisation->ods);
    const auto site = device.role == store::DeviceRole::headquarters
                          ? std::nullopt
                          : std::optional<std::string_view>(device.site_ods);
    const auto& publication = publish::certificate_publication(publications, organisation->ods,
                                                               wanted->year, today(context), site);
    context.policy.require_certificate(device, publication);
    return certificate(context, *organisation, publication, wanted->format, organisation->ods);
}

std::string device_certificate_route(std::string_view file) {
    const auto wanted = publish::parse_certificate_file(file);
    if (!wanted) {
        return "GET /v1/certificates/<file>";
    }
    return wanted->format == publish::CertificateFormat::pdf ? "GET /v1/certificates/<year>.pdf"
                                                             : "GET /v1/certificates/<year>.png";
}

}  // namespace dspt::server::api
