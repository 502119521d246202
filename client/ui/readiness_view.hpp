#pragma once
// One readiness for every page of the local screen (`dspt ui`): the level the
// overview shows as reached and the levels the Publish page offers come from
// the same facts (client/store/publish_outlook, the function the server
// decides with), so the two never disagree. An item changed on two devices
// holds every level back until it is resolved, and the pages say so. Also the
// publications this device knows of, shown on the overview and the Publish
// page at all times.

#include <cstddef>
#include <string>
#include <vector>

#include "client/store/local_store.hpp"
#include "common/assessment/evaluator.hpp"
#include "common/assessment/publish_readiness.hpp"

namespace dspt::client::ui {

struct LevelOutlook {
    standards::Level level = standards::Level::none;
    // Every reason this assessment cannot be published at the level; empty: ready.
    std::vector<assessment::PublishProblem> problems;
    // The answers alone reach the level: only something else (a conflict, a
    // rule of publishing) keeps it back.
    bool answers_reach = false;
};

struct Readiness {
    assessment::Evaluation evaluation;  // the answers alone
    std::size_t conflicts = 0;          // items changed on two devices, unresolved
    // The level reached: the answers' level, or none while a conflict holds it back.
    standards::Level level = standards::Level::none;
    std::vector<LevelOutlook> levels;  // approaching, met, exceeded

    // Whether a conflict holds back a level the answers reach.
    bool held_back() const noexcept {
        return conflicts > 0 && evaluation.level != standards::Level::none;
    }
};

Readiness readiness(LocalStore& store, Date today);

// A reason not to publish as the screen says it: without the commands the same
// reason names for the command line, " (dspt plan attach FILE)" and the like,
// which the screen's own buttons stand for.
std::string without_command_hints(std::string message);

// "1 item changed on two devices holds Standards Met back: ..." with a link to
// the Conflicts page; "" when nothing is held back. `id` names the paragraph.
std::string held_back_notice(const Readiness& readiness, standards::Level level,
                             std::string_view id);

// The organisation's publications as this device last heard them (a sync
// lists them), newest first, each with its level, year, date and sites, and
// the certificate link for a current Standards Met or Exceeded one.
std::string publications_section(LocalStore& store);

}  // namespace dspt::client::ui
