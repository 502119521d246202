#include "client/ui/site_view.hpp"

#include <algorithm>

#include "client/store/identity_store.hpp"
#include "client/store/sync_state.hpp"
#include "client/ui/page_layout.hpp"
#include "client/ui/readiness_view.hpp"
#include "common/error.hpp"
#include "common/text.hpp"

namespace dspt::client::ui {

namespace {

constexpr std::string_view kOrganisationWide = "Organisation-wide answers";

// Puts the store back on the assessment it was on, whatever happened meanwhile.
class KeepScope {
  public:
    explicit KeepScope(LocalStore& store) : store_(store), scope_(store.scope()) {}
    ~KeepScope() { store_.use_scope(scope_); }
    KeepScope(const KeepScope&) = delete;
    KeepScope& operator=(const KeepScope&) = delete;

  private:
    LocalStore& store_;
    std::string scope_;
};

// "Acorn Leeds (VA001)", or "Site VA001" without a name.
std::string named_site(const std::string& name, const std::string& code) {
    return name.empty() ? "Site " + code : name + " (" + code + ")";
}

}  // namespace

std::string site_label(const Whose& whose, const std::string& code) {
    const auto found = whose.site_names.find(code);
    return named_site(found == whose.site_names.end() ? std::string() : found->second, code);
}

Whose whose_assessment(LocalStore& store) {
    Whose whose;
    whose.scope = store.scope();
    const auto identity = load_identity(store);
    if (!identity) {
        whose.organisation = store.info().site_name;
        return whose;
    }
    whose.organisation = identity->organisation_name;
    if (identity->role == protocol::Role::headquarters) {
        whose.headquarters = true;
        whose.sites = known_sites(store);
        whose.site_names = known_site_names(store);
        whose.site =
            whose.scope.empty() ? std::string(kOrganisationWide) : site_label(whose, whose.scope);
        whose.site_code = whose.scope;
    } else if (!identity->site_ods.empty()) {
        whose.site = named_site(identity->site_name, identity->site_ods);
        whose.site_code = identity->site_ods;
    }
    return whose;
}

std::string site_switcher(const Whose& whose) {
    if (!whose.headquarters) {
        return {};
    }
    std::string html =
        "<form method=\"get\" action=\"/switch\" class=\"switcher\"><label "
        "for=\"site-choice\">Show</label> <select id=\"site-choice\" name=\"site\">";
    const auto option = [&](const std::string& value, std::string_view label) {
        return "<option value=\"" + escape(value) + "\"" +
               (value == whose.scope ? " selected" : "") + ">" + escape(label) + "</option>";
    };
    html += option("", kOrganisationWide);
    for (const auto& site : whose.sites) {
        html += option(site, site_label(whose, site));
    }
    html +=
        "</select> <button type=\"submit\" id=\"switch-site\">Go</button> <a "
        "href=\"/organisation\" id=\"all-sites\">Every site</a></form>";
    return html;
}

std::string organisation_content(LocalStore& store, const Whose& whose) {
    if (!whose.headquarters) {
        fail(ErrorCode::not_found,
             "the organisation page is on a head office device, which holds every site; this "
             "device keeps its own site's assessment");
    }
    if (whose.sites.empty()) {
        return "<p id=\"no-sites\">This device does not know its organisation's sites yet: press "
               "Sync now on the <a href=\"/\">overview</a>, then come back.</p>\n";
    }
    const auto today = Date::today();
    std::string html =
        "<p>Every site of " + escape(whose.organisation) +
        ", as this device holds it. Choose a site to open its assessment.</p>\n<table "
        "id=\"sites\"><thead><tr><th scope=\"col\">Site</th><th scope=\"col\">Level "
        "reached</th><th scope=\"col\">Approaching Standards</th><th scope=\"col\">Standards "
        "Met</th><th scope=\"col\">Conflicts</th></tr></thead><tbody>";
    const KeepScope keep(store);
    for (const auto& site : whose.sites) {
        store.use_scope(site);
        const auto ready = readiness(store, today);
        const auto& evaluation = ready.evaluation;
        html += "<tr id=\"site-" + escape(site) + "\"><td><a href=\"/switch?site=" + escape(site) +
                "\">" + escape(site_label(whose, site)) + "</a></td><td class=\"level\">" +
                escape(standards::display_name(ready.level)) +
                (ready.held_back() ? std::string(" (held back by a conflict)") : "") + "</td><td>" +
                std::to_string(evaluation.approaching.satisfied) + " of " +
                std::to_string(evaluation.approaching.total) + "</td><td>" +
                std::to_string(evaluation.met.satisfied) + " of " +
                std::to_string(evaluation.met.total) + "</td><td>" +
                std::to_string(ready.conflicts) + "</td></tr>";
    }
    html += "</tbody></table>\n";
    return html +
           "<p class=\"guidance\">Each site's level counts the organisation-wide answers where "
           "the site has none of its own. Other devices' changes show after the next "
           "sync.</p>\n";
}

void switch_site(LocalStore& store, const std::string& site) {
    const auto whose = whose_assessment(store);
    if (!whose.headquarters) {
        fail(ErrorCode::not_found,
             "only a head office device holds several sites; this device keeps its own site's "
             "assessment");
    }
    if (!site.empty() &&
        std::find(whose.sites.begin(), whose.sites.end(), site) == whose.sites.end()) {
        fail(ErrorCode::not_found,
             "site " + site + " is not one of " + whose.organisation +
                 "'s sites as this device knows them (" +
                 (whose.sites.empty() ? std::string("none yet") : joined(whose.sites)) +
                 "): choose one from the list, or press Sync now to hear of new sites");
    }
    store.use_scope(site);
}

}  // namespace dspt::client::ui
