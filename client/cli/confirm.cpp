#include "client/cli/confirm.hpp"

#include <iostream>
#include <unistd.h>

#include "common/error.hpp"

namespace dspt::client {

bool confirmed(CommandContext& context, const std::string& question, bool yes,
               const std::string& without_terminal) {
    if (yes) {
        return true;
    }
    if (::isatty(STDIN_FILENO) == 0) {
        fail(ErrorCode::failed_precondition, without_terminal);
    }
    *context.err << question << " [y/N] " << std::flush;
    std::string line;
    if (!std::getline(std::cin, line)) {
        return false;
    }
    return line == "y" || line == "Y" || line == "yes" || line == "Yes";
}

}  // namespace dspt::client
