#pragma once
// The standards pack a publication is evaluated against: the one the
// publishing store uses for the year, as its request names it (version and
// digest, protocol/publish_messages.hpp), found among the packs this server
// holds: the bundled ones and those an operator installed (`dspt-server admin
// import-standards`). A request that names none (class version 1) gets the
// bundled pack of the year.

#include <optional>
#include <string>
#include <vector>

#include "common/standards/open_version.hpp"
#include "common/standards/pack.hpp"
#include "server/store/repository.hpp"

namespace dspt::server::publish {

// Refuses (invalid_argument) a pack version over 40 bytes, and a digest that is
// neither empty nor 64 lower-case hex characters.
void check_pack_identity(const std::string& version, const std::string& digest);

// The pack, or nullopt when this server does not hold it. Throws
// invalid_argument for a year it has no bundled pack for when no digest is
// given, and corrupt for an installed pack that no longer loads.
std::optional<standards::Pack> held_pack(const store::Repository& repository,
                                         const std::string& year, const std::string& digest);

// When each pack this server holds opened, bundled and installed: the open
// version on a day is the newest of them that has opened
// (common/standards/open_version.hpp).
std::vector<standards::PackOpening> held_openings(const store::Repository& repository);

// Why a publication against a pack the server does not hold is refused, and
// how its operator installs it.
std::string missing_pack_message(const std::string& year, const std::string& version,
                                 const std::string& digest);

}  // namespace dspt::server::publish
