#pragma once
// How commands find and unlock the local store.
//
// Home directory: --home DIR, else $DSPT_HOME, else ~/.local/share/dspt.
// Passphrase: $DSPT_PASSPHRASE, else the first line of --passphrase-file FILE,
// else a prompt without echo when standard input is a terminal; otherwise the
// command fails with a message saying how to give one.

#include <filesystem>
#include <memory>
#include <string>

#include "client/cli/command.hpp"
#include "client/store/local_store.hpp"

namespace dspt::client {

std::filesystem::path resolve_home(const GlobalOptions& options);

// The passphrase for an existing store.
std::string read_passphrase(const GlobalOptions& options);

// A new passphrase: from the same sources, but a prompt asks twice.
// A new passphrase from $<env_name>, else `file`, else a prompt that asks twice.
// Refuses one shorter than kMinNewPassphraseChars characters, saying so.
inline constexpr std::size_t kMinNewPassphraseChars = 12;
std::string read_new_passphrase(const std::string& env_name, const std::string& file);

std::unique_ptr<LocalStore> open_store(const GlobalOptions& options);

// Who is making changes, for the answers' "by" field: $DSPT_USER, else the
// name recorded with 'dspt init --user NAME', else $USER, else $LOGNAME.
std::string current_user(LocalStore& store);

}  // namespace dspt::client
