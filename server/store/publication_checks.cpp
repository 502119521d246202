#include "server/store/publication_checks.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/standards/year.hpp"
#include "server/store/model.hpp"

namespace dspt::server::store {

void validate_publication(const Publication& publication) {
    validate_ods_code(publication.organisation_ods, "organisation ODS code");
    if (publication.level == standards::Level::none) {
        fail(ErrorCode::invalid_argument, "a publication needs a level");
    }
    if (publication.sites.empty()) {
        fail(ErrorCode::invalid_argument, "a publication covers at least one site");
    }
    for (const auto& site : publication.sites) {
        validate_ods_code(site, "site ODS code");
    }
    if (!standards::is_valid_year(publication.year)) {
        fail(ErrorCode::invalid_argument,
             "a standards year is written like 2025-26, not \"" + publication.year + "\"");
    }
    validate_actor(publication.device_id, "publishing device");
    validate_actor(publication.request_id, "publication request id");
}

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
        return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return out;
}

std::string ascii_upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
        return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    });
    return out;
}

}  // namespace dspt::server::store
