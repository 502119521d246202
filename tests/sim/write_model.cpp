#include "tests/sim/write_model.hpp"

namespace dspt::sim {

void WriteModel::record(std::size_t reg, const std::string& token, std::size_t device,
                        const std::set<std::string>& seen) {
    Write write{reg, device, {}};
    for (const auto& value : seen) {
        const auto it = writes_.find(value);
        if (it == writes_.end()) {
            continue;
        }
        write.past.insert(value);
        write.past.insert(it->second.past.begin(), it->second.past.end());
    }
    writes_.emplace(token, std::move(write));
    by_register_[reg].push_back(token);
}

bool WriteModel::replaced(const std::string& earlier, const std::string& later) const {
    const auto it = writes_.find(later);
    return it != writes_.end() && it->second.past.contains(earlier);
}

std::set<std::string> WriteModel::expected(std::size_t reg) const {
    std::set<std::string> result;
    const auto it = by_register_.find(reg);
    if (it == by_register_.end()) {
        return result;
    }
    std::set<std::string> replaced_ones;
    for (const auto& token : it->second) {
        const auto& past = writes_.at(token).past;
        replaced_ones.insert(past.begin(), past.end());
    }
    for (const auto& token : it->second) {
        if (!replaced_ones.contains(token)) {
            result.insert(token);
        }
    }
    return result;
}

}  // namespace dspt::sim
