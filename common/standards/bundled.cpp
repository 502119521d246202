#include "common/standards/bundled.hpp"

#include <mutex>
#include <optional>
#include <vector>

#include "common/error.hpp"
#include "common/standards/embedded_packs.hpp"
#include "common/standards/loader.hpp"
#include "common/text.hpp"

namespace dspt::standards {

namespace {

// One embedded pack, parsed the first time it is asked for: a command that
// reads one year parses only that year's file. std::call_once runs the parse
// exactly once even when threads race; if it throws, the next call tries
// again and throws the same error.
struct ParsedPack {
    std::once_flag once;
    std::optional<Pack> pack;
};

const Pack& parsed_pack(std::size_t index) {
    const auto& embedded = detail::embedded_packs();
    static std::vector<ParsedPack> parsed(embedded.size());
    auto& slot = parsed.at(index);
    std::call_once(slot.once, [&] {
        const auto& file = embedded[index];
        Pack pack = parse_pack_json(file.json, file.file_name);
        if (pack.year != file.year) {
            fail(ErrorCode::internal, std::string(file.file_name) + ": holds year " + pack.year +
                                          ", expected " + std::string(file.year));
        }
        slot.pack = std::move(pack);
    });
    return *slot.pack;
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
    const auto& embedded = detail::embedded_packs();
    for (std::size_t i = 0; i < embedded.size(); ++i) {
        if (embedded[i].year == year) {
            return parsed_pack(i);
        }
    }
    fail(ErrorCode::not_found, "no bundled standards pack for year \"" + std::string(year) +
                                   "\" (available: " + joined(bundled_years()) + ")");
}

const Pack& newest_bundled_pack() {
    return parsed_pack(detail::embedded_packs().size() - 1);
}

std::vector<const Pack*> bundled_packs() {
    std::vector<const Pack*> packs;
    for (std::size_t i = 0; i < detail::embedded_packs().size(); ++i) {
        packs.push_back(&parsed_pack(i));
    }
    return packs;
}

}  // namespace dspt::standards
