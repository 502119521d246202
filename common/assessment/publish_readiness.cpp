#include "common/assessment/publish_readiness.hpp"

#include <algorithm>
#include <set>

#include "common/assessment/evaluator.hpp"

namespace dspt::assessment {

namespace {

std::string level_name(standards::Level level) {
    return std::string(standards::display_name(level));
}

// "the item is not satisfied" in words that say what the item needs.
std::string unsatisfied(const standards::Item& item, standards::Level level) {
    return "item " + item.id + " (" + item.title + ") is not satisfied: " + level_name(level) +
           " needs it";
}

}  // namespace

bool level_open_to(standards::Level level, bool published_before) {
    return level != standards::Level::approaching || !published_before;
}

std::vector<PublishProblem> publication_problems(const standards::Pack& pack,
                                                 const std::vector<SiteDraft>& sites,
                                                 const PublishFacts& facts) {
    using standards::Level;
    std::vector<PublishProblem> problems;
    if (facts.level == Level::none) {
        problems.push_back({"", "", "choose a level: approaching, met or exceeded"});
        return problems;
    }
    const bool first = !facts.last.has_value();
    if (!facts.packs_held.empty()) {
        const auto open = standards::open_year(facts.packs_held, facts.today);
        if (auto problem = standards::version_problem(pack.year, open, facts.packs_held);
            !problem.empty()) {
            problems.push_back({"", "", std::move(problem)});
        }
    }
    if (!level_open_to(facts.level, !first)) {
        problems.push_back({"", "",
                            "the organisation published at " + level_name(facts.last->level) +
                                " for " + facts.last->year +
                                " before: every later publication must reach at least "
                                "Standards Met"});
    }
    if (facts.changes_not_received > 0) {
        problems.push_back({"", "",
                            "the server has not received " +
                                std::to_string(facts.changes_not_received) +
                                " change(s) made on this device: sync, then publish"});
    }
    if (facts.level == Level::exceeded && !sites.empty()) {
        const auto& profile = sites.front().effective.profile;
        if (!profile.cyber_essentials_plus_expires) {
            problems.push_back(
                {"", "",
                 "Standards Exceeded needs a current Cyber Essentials Plus certificate: the "
                 "organisation profile has none (dspt profile --ce-plus-until YYYY-MM-DD)"});
        } else if (!cyber_essentials_plus_current(profile, facts.today)) {
            problems.push_back({"", "",
                                "Standards Exceeded needs a current Cyber Essentials Plus "
                                "certificate: the organisation's expired on " +
                                    profile.cyber_essentials_plus_expires->to_string()});
        }
    }
    const Level needed = facts.level == Level::exceeded ? Level::met : facts.level;
    for (const auto& site : sites) {
        for (const auto& key : site.conflicts) {
            const auto slash = key.find('/');
            const auto item = slash == std::string::npos ? "" : key.substr(slash + 1);
            problems.push_back({site.site, key.starts_with("answer/") ? item : "",
                                (key.starts_with("answer/") ? "the answer to item " + item : key) +
                                    " has conflicting values from different devices: resolve "
                                    "it (dspt conflicts, dspt resolve) and sync"});
        }
        const auto evaluation = evaluate(pack, site.effective, facts.today);
        if (facts.level == Level::approaching && first && evaluation.met.reached()) {
            problems.push_back(
                {site.site, "",
                 "already reaches Standards Met: publish at Standards Met. Approaching Standards "
                 "is for a first publication that cannot reach Standards Met yet, and would use "
                 "the organisation's one-time allowance for nothing"});
        }
        std::set<std::string> missing(evaluation.approaching.missing.begin(),
                                      evaluation.approaching.missing.end());
        if (needed == Level::met) {
            missing.insert(evaluation.met.missing.begin(), evaluation.met.missing.end());
        }
        for (const auto& item : pack.items) {
            if (missing.contains(item.id)) {
                problems.push_back({site.site, item.id, unsatisfied(item, needed)});
            }
        }
        // The action plan: an entry for every unmet Standards Met item, or an
        // uploaded plan document, which stands for the whole plan.
        if (facts.level == Level::approaching && first && !has_plan_document(site.effective)) {
            for (const auto& id : items_needing_plan(pack, site.effective)) {
                problems.push_back(
                    {site.site, id,
                     "item " + id +
                         " is needed for Standards Met and not yet satisfied: a first "
                         "publication at Approaching Standards needs an action-plan entry for it "
                         "(dspt plan set " +
                         id +
                         " --action ... --owner ... --due YYYY-MM-DD) or an action-plan document "
                         "(dspt plan attach FILE)"});
            }
        }
    }
    return problems;
}

std::optional<PriorPublication> republished(const std::vector<PriorPublication>& history,
                                            standards::Level level, const std::string& year,
                                            const std::vector<std::string>& sites, Date today) {
    for (const auto& earlier : history) {
        const bool covers = std::all_of(sites.begin(), sites.end(), [&](const std::string& site) {
            return std::find(earlier.sites.begin(), earlier.sites.end(), site) !=
                   earlier.sites.end();
        });
        if (earlier.level == level && earlier.year == year && earlier.published == today &&
            covers) {
            return earlier;
        }
    }
    return std::nullopt;
}

}  // namespace dspt::assessment
