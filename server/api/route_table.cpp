#include "server/api/route_table.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace dspt::server::api {

void PathCaptures::add(std::string_view name, std::string value) {
    values_.emplace_back(std::string(name), std::move(value));
}

const std::string& PathCaptures::operator[](std::string_view name) const {
    const auto found = std::find_if(values_.begin(), values_.end(),
                                    [&](const auto& each) { return each.first == name; });
    if (found == values_.end()) {
        fail(ErrorCode::internal, "the route has no path segment <" + std::string(name) + ">");
    }
    return found->second;
}

std::optional<PathCaptures> match_path(std::string_view pattern,
                                       const std::vector<std::string>& segments) {
    PathCaptures captures;
    std::size_t index = 0;
    std::size_t start = 1;  // after the pattern's leading '/'
    while (start <= pattern.size()) {
        const auto end = std::min(pattern.find('/', start), pattern.size());
        const auto segment = pattern.substr(start, end - start);
        if (index == segments.size()) {
            return std::nullopt;  // the path is shorter than the pattern
        }
        if (segment.size() >= 2 && segment.front() == '<' && segment.back() == '>') {
            captures.add(segment.substr(1, segment.size() - 2), segments[index]);
        } else if (segment != segments[index]) {
            return std::nullopt;
        }
        ++index;
        start = end + 1;
    }
    if (index != segments.size()) {
        return std::nullopt;  // the path is longer than the pattern
    }
    return captures;
}

}  // namespace dspt::server::api
