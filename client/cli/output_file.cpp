#include "client/cli/output_file.hpp"

#include "common/error.hpp"

namespace dspt::client {

void refuse_existing_output(const std::filesystem::path& path, bool force) {
    std::error_code ec;
    if (!force && std::filesystem::exists(path, ec)) {
        fail(ErrorCode::already_exists,
             path.string() + " exists: give --force to replace it, or choose another name");
    }
    const auto folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    if (!std::filesystem::is_directory(folder, ec)) {
        fail(ErrorCode::not_found, "the folder " + folder.string() +
                                       " does not exist: create it first (mkdir -p " +
                                       folder.string() + ") or write somewhere else");
    }
}

}  // namespace dspt::client
