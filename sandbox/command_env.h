// The environment a model's command sees: the parent's, minus anything that looks like a
// credential (names containing KEY, TOKEN, SECRET, PASSWORD, ... and a list of well-known
// ones), plus settings that keep programs non-interactive (PAGER=cat, GIT_TERMINAL_PROMPT=0,
// NO_COLOR=1, ...).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace agent {

// True for variable names that must never reach a command.
bool is_secret_env_name(std::string_view name);

// `parent` is "KEY=VALUE" entries (e.g. from environ). `extra` entries are added last and
// override earlier ones.
std::vector<std::string> build_command_env(const std::vector<std::string>& parent,
                                           const std::vector<std::string>& extra = {});

// The current process's environment as "KEY=VALUE" entries.
std::vector<std::string> current_environment();

}  // namespace agent
