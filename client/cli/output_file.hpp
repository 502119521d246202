#pragma once
// The files commands write (export, plan export, certificate, standards import):
// every one refuses to replace a file unless --force is given, and names the
// flag when it refuses.

#include <filesystem>

namespace dspt::client {

// Fails with already_exists, naming --force, when `path` exists and `force` is
// false; with not_found when the folder it goes in does not exist.
void refuse_existing_output(const std::filesystem::path& path, bool force);

}  // namespace dspt::client
