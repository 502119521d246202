#pragma once
// Small helpers for what commands print: aligned text tables and sizes.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace dspt::client {

// Prints rows as columns padded to their widest cell; the last column is not
// padded. The first row is the header.
void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows);

// "512 B", "1.4 MiB", "2.0 GiB".
std::string human_size(std::uint64_t bytes);

// A duration in its largest whole unit: "3 days", "1 day", "5 hours",
// "12 minutes", "under a minute".
std::string human_age(std::int64_t ms);

// "2025-06-30 14:05" (UTC) from Unix milliseconds.
std::string format_time(std::int64_t unix_ms);

// "6 December 2026 14:05" in this computer's time zone: a moment as the
// person at this computer reads it.
std::string local_moment_text(std::int64_t unix_ms);

// ISO 8601 in UTC, to the second: "2026-11-21T10:43:21Z".
std::string format_time_iso(std::int64_t unix_ms);

}  // namespace dspt::client
