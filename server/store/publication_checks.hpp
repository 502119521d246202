#pragma once
// The checks both stores make of a publication before recording it, and the folding
// the public search compares names with.

#include <string>
#include <string_view>

#include "server/store/publication_model.hpp"

namespace dspt::server::store {

// Throws invalid_argument unless `publication` can be recorded: a level, at least one
// site, valid codes, year, device and request id.
void validate_publication(const Publication& publication);

// `text` with its ASCII letters in lower case / in upper case; other bytes as they are.
std::string ascii_lower(std::string_view text);
std::string ascii_upper(std::string_view text);

}  // namespace dspt::server::store
