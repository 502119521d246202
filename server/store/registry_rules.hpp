#pragma once
// The registry's rules, shared by every repository implementation: what an organisation
// and a site must be, and a registry import (Repository::import_registry): checking the
// rows before anything is read, and deciding, row by row, what to create and what to
// update. The repository supplies the reads and writes (RegistryWriter), inside its one
// transaction.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "server/store/model.hpp"

namespace dspt::server::store {

// Throw invalid_argument unless every field is valid (codes, CQC id, names).
void validate_organisation(const Organisation& organisation);
void validate_site(const Site& site);

// The first row naming each organisation and each site, in the order they first appear.
struct PlannedImport {
    std::vector<std::size_t> organisation_rows;  // indexes into the rows
    std::vector<std::size_t> site_rows;
};

// Checks every row and that rows naming the same organisation or site agree. Throws
// invalid_argument naming the row (from 1) or the rows that disagree.
PlannedImport plan_registry_import(const std::vector<RegistryRow>& rows);

// The registry as an import sees it, inside the caller's transaction. A find keeps
// what it found unchanged by others until the transaction ends.
class RegistryWriter {
  public:
    virtual ~RegistryWriter() = default;

    virtual std::optional<Organisation> find_organisation(std::string_view ods) = 0;
    // False, writing nothing, when the organisation was registered meanwhile by
    // another writer (a store shared by several processes).
    virtual bool add_organisation(const Organisation& organisation) = 0;
    virtual void rename_organisation(std::string_view ods, std::string_view name,
                                     bool is_headquarters) = 0;

    virtual std::optional<Site> find_site(std::string_view ods) = 0;
    // False, writing nothing, when the site was registered meanwhile.
    virtual bool add_site(const Site& site) = 0;
    virtual void change_site(std::string_view ods, std::string_view cqc_location_id,
                             std::string_view name) = 0;
};

// Brings the registry in line with the planned rows, as import_registry says: creates
// organisations (created at `at_ms`) and sites, updates names, and throws
// failed_precondition naming the row when a site belongs to another organisation.
ImportSummary apply_registry_import(const std::vector<RegistryRow>& rows, const PlannedImport& plan,
                                    std::int64_t at_ms, RegistryWriter& writer);

}  // namespace dspt::server::store
