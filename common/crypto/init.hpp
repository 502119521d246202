#pragma once
// Starting libsodium.
//
// libsodium must be initialised (sodium_init) before any other call: it picks
// the implementations that suit this CPU and opens the system random source.
// Every function in dspt::crypto calls ensure_initialised() itself, so callers
// never have to. It is public so that main() of the client and the server can
// fail at start-up, with a clear error, rather than at the first key they make.
//
// Thread safety: any number of threads may call it at once; sodium_init runs
// exactly once (a function-local static, which C++ initialises thread-safely).

namespace dspt::crypto {

// Initialises libsodium on the first call; later calls cost one load.
// Throws Error(ErrorCode::crypto) when libsodium cannot start. That failure is
// permanent: every later call throws it again.
void ensure_initialised();

}  // namespace dspt::crypto
