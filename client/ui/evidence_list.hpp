#pragma once
// The list of evidence files the local screen shows under an item and, for
// plan documents, on the Publish page: each file's name as a download link,
// its size, whether it still waits to sync, and a Remove button for the files
// of this store's own assessment when it may be changed.

#include <string>
#include <string_view>
#include <vector>

#include "client/store/evidence_store.hpp"

namespace dspt::client::ui {

// `list_id` is the list's HTML id; `scope` the store's chosen assessment
// (LocalStore::scope()); `csrf` the session's anti-forgery value. "" when
// `files` is empty.
std::string evidence_list(const std::vector<EvidenceFile>& files, std::string_view list_id,
                          std::string_view scope, bool writable, std::string_view csrf);

}  // namespace dspt::client::ui
