#pragma once
// How a change another device made is named where a sync reports it (`dspt
// sync` and the screen's Sync now): what it touched, who made it and when.

#include <string>

#include "client/sync/sync_engine.hpp"

namespace dspt::client {

// The most changes from other devices a sync lists by name.
inline constexpr std::size_t kArrivalsListed = 10;

// What a change touched: "1.1.1 Data security lead", "1.1.1 ... (action
// plan)", "profile: security_lead".
std::string arrival_subject(const ArrivedChange& change);

// Who made a change: its author, or the device when it named none.
std::string arrival_author(const ArrivedChange& change);

}  // namespace dspt::client
