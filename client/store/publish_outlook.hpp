#pragma once
// Readiness to publish as this device sees it (docs/domain.md, "Publishing"):
// the store's own assessment and conflicts, the publications learned at the
// last sync (publish_state.hpp) and the packs this device holds, judged by
// assessment::publication_problems, the function the server decides with.
// `dspt publish`, `dspt status` and the screen's Publish page ask here, so
// they agree with each other and, on what the device holds, with the server.

#include <optional>
#include <string>
#include <vector>

#include "common/assessment/publish_readiness.hpp"
#include "common/date.hpp"
#include "common/standards/open_version.hpp"

namespace dspt::client {

class LocalStore;

// The packs this device holds: the bundled ones and the store's own when it
// was imported (which stands for a bundled pack of the same year).
std::vector<standards::PackOpening> packs_held(const LocalStore& store);

// Every reason the store's assessment cannot be published at `level` on
// `today`, as far as this device knows. With `with_conflicts` false, the
// registers in conflict are left out, for a caller that words them itself
// (the screen lists each conflict with its item and the Conflicts page).
std::vector<assessment::PublishProblem> local_publication_problems(LocalStore& store,
                                                                   standards::Level level,
                                                                   Date today,
                                                                   bool with_conflicts = true);

// The reasons the server will refuse whatever the answers: the version is not
// the open one, or Approaching Standards after a publication. `dspt publish`
// stops on them before asking.
std::vector<std::string> refusals_before_asking(LocalStore& store, standards::Level level,
                                                Date today);

// The publication that publishing the store's year at `level` for `sites`
// today would repeat (assessment::republished over the known publications).
std::optional<assessment::PriorPublication> republishes(LocalStore& store, standards::Level level,
                                                        const std::vector<std::string>& sites,
                                                        Date today);

// "a Standards Met publication of 2025-26 was made today for VA001": how a
// republish is described before asking.
std::string describe_republish(const assessment::PriorPublication& earlier);

}  // namespace dspt::client
