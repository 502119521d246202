#pragma once
// Asking before a command does something the user may not mean: on a
// terminal, a yes/no question; in a script, --yes.

#include <string>

#include "client/cli/command.hpp"

namespace dspt::client {

// Whether to go ahead: true with `yes`, or when the user answers y or yes on
// the terminal to `question`; false for any other answer. Without a terminal
// and without `yes`, fails with failed_precondition saying `without_terminal`.
bool confirmed(CommandContext& context, const std::string& question, bool yes,
               const std::string& without_terminal);

}  // namespace dspt::client
