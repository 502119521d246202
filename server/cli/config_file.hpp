#pragma once
// `dspt-server serve --config FILE`: options read from a file of `key = value`
// lines, where each key is the name of a flag without its leading dashes ("data"
// for --data), with '_' or '-' between words ("public_url" or "public-url" for
// --public-url). Blank lines and lines starting with '#' are ignored; a value may be
// wrapped in double quotes; a flag such as --insecure takes true or false.
//
// A flag given on the command line wins over the file. A key that names no
// flag, a line without '=', or a repeated key is refused with the file and line,
// so a typing mistake never passes silently.

#include <filesystem>

#include <CLI/CLI.hpp>

namespace dspt::server {

// Applies the file's values to the options of `command` that the command line
// left unset. Throws Error(invalid_argument) naming the file and line.
void apply_config_file(CLI::App& command, const std::filesystem::path& file);

}  // namespace dspt::server
