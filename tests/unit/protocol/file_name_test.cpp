// What an evidence file may be called.

#include "protocol/file_name.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "protocol/limits.hpp"

namespace dspt::protocol::file_name_test {

TEST_CASE("an evidence file's name is UTF-8 without control characters or path separators",
          "[unit][protocol]") {
    for (const std::string& good :
         {std::string("Policy v2 (final).pdf"), std::string("Datenschutzerkl\xC3\xA4rung.docx"),
          std::string(255, 'n')}) {
        CAPTURE(good);
        CHECK_FALSE(file_name_problem(good).has_value());
    }
    CHECK(file_name_problem("") == "is empty");
    CHECK(file_name_problem(std::string(kMaxFileNameBytes + 1, 'n')) ==
          "is 256 bytes long; the limit is 255 bytes");
    CHECK(file_name_problem("a\r\nSet-Cookie: x") == "holds a control character (0x0D)");
    CHECK(file_name_problem(std::string("nul\0x", 5)) == "holds a control character (0x00)");
    CHECK(file_name_problem("bell\x7f") == "holds a control character (0x7F)");
    CHECK(file_name_problem("tab\tin name.txt") == "holds a control character (0x09)");
    CHECK(file_name_problem("../etc/passwd") == "holds '/', which only a path may");
    CHECK(file_name_problem("..\\boot.ini") == "holds '\\', which only a path may");
    CHECK(file_name_problem("\xC3(.pdf") == "is not valid UTF-8");
}

}  // namespace dspt::protocol::file_name_test
