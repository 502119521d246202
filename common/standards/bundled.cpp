#include "common/standards/bundled.hpp"

#include "common/error.hpp"
#include "common/standards/embedded_packs.hpp"
#include "common/standards/loader.hpp"

namespace dspt::standards {

namespace {

// Every embedded pack, parsed on first use. A function-local static is
// initialised exactly once even when threads race (C++11 and later); if
// parsing throws, the next call tries again and throws the same error.
const std::vector<Pack>& bundled_packs() {
    static const std::vector<Pack> packs = [] {
        std::vector<Pack> out;
        for (const auto& embedded : detail::embedded_packs()) {
            Pack pack = parse_pack_json(embedded.json, embedded.file_name);
            if (pack.year != embedded.year) {
                fail(ErrorCode::internal, std::string(embedded.file_name) + ": holds year " +
                                              pack.year + ", expected " +
                                              std::string(embedded.year));
            }
            out.push_back(std::move(pack));
        }
        return out;
    }();
    return packs;
}

}  // namespace

std::vector<std::string> bundled_years() {
    std::vector<std::string> years;
    for (const auto& embedded : detail::embedded_packs()) {
        years.emplace_back(embedded.year);
    }
    return years;
}

const Pack& bundled_pack(std::string_view year) {
    for (const auto& pack : bundled_packs()) {
        if (pack.year == year) {
            return pack;
        }
    }
    std::string available;
    for (const auto& embedded : detail::embedded_packs()) {
        available += (available.empty() ? "" : ", ") + std::string(embedded.year);
    }
    fail(ErrorCode::not_found, "no bundled standards pack for year \"" + std::string(year) +
                                   "\" (available: " + available + ")");
}

const Pack& newest_bundled_pack() {
    return bundled_packs().back();
}

}  // namespace dspt::standards
