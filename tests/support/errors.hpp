#pragma once
// Checks on the dspt::Error a piece of code throws, for every test.

#include <optional>
#include <string>
#include <utility>

#include <catch2/catch.hpp>

#include "common/error.hpp"

namespace dspt::test {

// The dspt::Error that fn() throws, or nothing when it returns. Any other
// exception passes through.
template <typename Fn>
std::optional<Error> thrown_error(Fn&& fn) {
    try {
        std::forward<Fn>(fn)();
    } catch (const Error& e) {
        return e;
    }
    return std::nullopt;
}

// Requires fn() to throw a dspt::Error with `code`, and returns its message.
template <typename Fn>
std::string require_error(ErrorCode code, Fn&& fn) {
    const auto error = thrown_error(std::forward<Fn>(fn));
    REQUIRE(error.has_value());
    INFO("message: " << error->what());
    REQUIRE(to_string(error->code()) == to_string(code));
    return error->what();
}

}  // namespace dspt::test
