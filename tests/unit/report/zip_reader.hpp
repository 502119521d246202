#pragma once
// Test support for the report tests: a temporary directory, and just enough of
// a zip reader to check what an .xlsx file holds.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace dspt::report::testing {

// A fresh empty directory under the system temp directory, removed with
// everything in it on destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const noexcept { return path_; }

    // The names of the entries in the directory, sorted.
    std::vector<std::string> entries() const;

  private:
    std::filesystem::path path_;
};

// Every entry of a zip archive, by name, decompressed. Reads the central
// directory (so it does not depend on sizes in the local headers) and supports
// the stored and deflate methods, which is all libxlsxwriter writes. Throws
// std::runtime_error on anything it cannot read.
std::map<std::string, std::string> unzip(const std::string& archive);

}  // namespace dspt::report::testing
