#pragma once
// A fresh directory under the system temporary directory, removed with its
// contents when the object goes out of scope. Every test that writes files
// uses one, so tests never share or leave files.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace dspt::test {

class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const noexcept { return path_; }

    // A path inside the directory (the file need not exist).
    std::filesystem::path file(std::string_view name) const { return path_ / name; }

    // The names of the entries directly inside the directory, sorted.
    std::vector<std::string> entries() const;

  private:
    std::filesystem::path path_;
};

}  // namespace dspt::test
