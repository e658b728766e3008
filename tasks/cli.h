// The `agent` command line: each subcommand lives in its own <name>_command.cpp and registers
// itself on the CLI11 app through an add_<name>_command() function listed in main.cpp.
//
// tasks/ is the only layer that reads argv, the environment or the terminal.
// Exit codes (product.md): 0 done, 1 stopped (budget, context, gave up), 2 usage or
// configuration error, 3 backend (or forge) failure after retries, 4 internal error,
// 130 interrupted.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace agent::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitStopped = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitBackend = 3;
inline constexpr int kExitInternal = 4;
inline constexpr int kExitInterrupted = 130;

// What a subcommand registration returns: the subcommand and the function to run when the
// user chose it (called after parsing, returns the exit code).
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

}  // namespace agent::cli
