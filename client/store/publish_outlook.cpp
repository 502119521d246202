#include "client/store/publish_outlook.hpp"

#include "client/store/local_store.hpp"
#include "client/store/publish_state.hpp"
#include "client/store/sync_state.hpp"
#include "common/standards/bundled.hpp"
#include "common/text.hpp"

namespace dspt::client {

namespace {

assessment::PublishFacts local_facts(LocalStore& store, const KnownPublications& known,
                                     standards::Level level, Date today) {
    assessment::PublishFacts facts;
    facts.level = level;
    facts.today = today;
    facts.last = known.last;
    facts.packs_held = packs_held(store);
    return facts;
}

}  // namespace

std::vector<standards::PackOpening> packs_held(const LocalStore& store) {
    auto packs = standards::openings_of(standards::bundled_packs());
    if (store.info().custom_pack) {
        const standards::PackOpening own{store.pack().year, store.pack().opening_date()};
        std::erase_if(packs, [&](const auto& pack) { return pack.year == own.year; });
        packs.push_back(own);
    }
    return packs;
}

std::vector<assessment::PublishProblem> local_publication_problems(LocalStore& store,
                                                                   standards::Level level,
                                                                   Date today,
                                                                   bool with_conflicts) {
    assessment::SiteDraft draft;
    draft.site = store.scope();
    draft.effective = store.assessment();
    if (with_conflicts) {
        for (const auto& conflict : open_conflicts(store)) {
            draft.conflicts.push_back(conflict.register_key);
        }
    }
    const auto facts = local_facts(store, known_publications(store), level, today);
    return assessment::publication_problems(store.pack(), {draft}, facts);
}

std::vector<std::string> refusals_before_asking(LocalStore& store, standards::Level level,
                                                Date today) {
    // No site: only the rules of the organisation and the version apply, no
    // answer is judged, and no change counts as not received.
    const auto facts = local_facts(store, known_publications(store), level, today);
    std::vector<std::string> refusals;
    for (auto& problem : assessment::publication_problems(store.pack(), {}, facts)) {
        refusals.push_back(std::move(problem.message));
    }
    return refusals;
}

std::optional<assessment::PriorPublication> republishes(LocalStore& store, standards::Level level,
                                                        const std::vector<std::string>& sites,
                                                        Date today) {
    return assessment::republished(known_publications(store).publications, level, store.info().year,
                                   sites, today);
}

std::string describe_republish(const assessment::PriorPublication& earlier) {
    return "a " + std::string(standards::display_name(earlier.level)) + " publication of " +
           earlier.year + " was made today for " + joined(earlier.sites);
}

}  // namespace dspt::client
