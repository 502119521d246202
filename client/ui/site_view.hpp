#pragma once
// Whose assessment the local screen (`dspt ui`) shows: the organisation and
// the site being edited, for the header of every page; on a headquarters
// device, which holds every site of its organisation, the site switcher and
// the organisation page with every site's level, each linking to the site.

#include <map>
#include <string>
#include <vector>

#include "client/store/local_store.hpp"

namespace dspt::client::ui {

struct Whose {
    std::string organisation;  // its name; before enrolment, the name given to `dspt init`
    std::string site;          // the assessment shown: "Site VA002", "Organisation-wide answers"
    bool headquarters = false;
    std::string scope;               // the store's chosen assessment (LocalStore::scope())
    std::vector<std::string> sites;  // a headquarters' sites, as the last sync listed them
    std::map<std::string, std::string> site_names;  // their names by code, where known
    std::string site_code;                          // the site that publishing covers; "" when none
};

Whose whose_assessment(LocalStore& store);

// "Acorn York (VA002)", or "Site VA002" when its name is not known.
std::string site_label(const Whose& whose, const std::string& code);

// The switcher for the header of a headquarters device: a list of the
// organisation-wide answers and every site, and a link to the organisation
// page. "" on any other device.
std::string site_switcher(const Whose& whose);

// The organisation page: every site's level as the overview would show it,
// with its bars and conflicts, each linking to the site.
std::string organisation_content(LocalStore& store, const Whose& whose);

// Moves the screen to `site` ("" the organisation-wide answers) on a
// headquarters device; ErrorCode::not_found, naming the sites, for any other.
void switch_site(LocalStore& store, const std::string& site);

}  // namespace dspt::client::ui
