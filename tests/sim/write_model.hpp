#pragma once
// The simulation's own account of every write of every register: who wrote it
// and what its writer had seen of that register when writing (the values its
// store showed, and transitively what those had replaced). From it follow the
// values each register must end with once every device has synced: exactly
// the writes no later write replaced. Two of them left together are
// concurrent (neither writer had seen the other), so a conflict is right.

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace dspt::sim {

class WriteModel {
  public:
    // Records the write `token` (unique in the run) of register `reg` by
    // `device`, whose store showed `seen` (tokens of earlier writes of that
    // register) when it was made. Tokens the model does not know are ignored.
    void record(std::size_t reg, const std::string& token, std::size_t device,
                const std::set<std::string>& seen);

    bool known(const std::string& token) const { return writes_.contains(token); }

    // Whether the writer of `later` had seen `earlier`, directly or through
    // what it saw.
    bool replaced(const std::string& earlier, const std::string& later) const;

    // The writes of `reg` that no later write replaced.
    std::set<std::string> expected(std::size_t reg) const;

    // Who wrote `token`; the caller checks known() first.
    std::size_t writer(const std::string& token) const { return writes_.at(token).device; }

    std::size_t size() const noexcept { return writes_.size(); }

  private:
    struct Write {
        std::size_t reg = 0;
        std::size_t device = 0;
        std::set<std::string> past;  // every write it replaced
    };
    std::map<std::string, Write> writes_;
    std::map<std::size_t, std::vector<std::string>> by_register_;
};

}  // namespace dspt::sim
