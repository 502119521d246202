#pragma once
// What an evidence file's name may be, checked where a file is added and
// where another device's record of one arrives, so a name that could break a
// header, a terminal or a path never enters a store.
//
// A name is 1 to protocol::kMaxFileNameBytes bytes of UTF-8, with no control
// character (bytes 0x00-0x1F and 0x7F: no CR or LF to split a header, no
// escape sequence for a terminal) and no '/' or '\' (it names a file, never a
// path). Pure function.

#include <optional>
#include <string>
#include <string_view>

namespace dspt::protocol {

// Why `name` cannot name an evidence file, as a sentence fragment for a
// message ("holds a control character (0x0D)"); nullopt when it can.
std::optional<std::string> file_name_problem(std::string_view name);

}  // namespace dspt::protocol
