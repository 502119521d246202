#pragma once
// Test support for the report tests: a temporary directory, and just enough of
// a zip reader to check what an .xlsx file holds.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/support/temp_dir.hpp"

namespace dspt::report::testing {

using TempDir = dspt::test::TempDir;

// Every entry of a zip archive, by name, decompressed. Reads the central
// directory (so it does not depend on sizes in the local headers) and supports
// the stored and deflate methods, which is all libxlsxwriter writes. Throws
// std::runtime_error on anything it cannot read.
std::map<std::string, std::string> unzip(const std::string& archive);

}  // namespace dspt::report::testing
