// The environment a model's command sees: the parent's, minus anything that looks like a
// credential, plus settings that keep programs non-interactive (PAGER=cat,
// GIT_TERMINAL_PROMPT=0, NO_COLOR=1, ...). A variable is dropped when
//  - its name looks like a credential: it contains KEY, TOKEN, SECRET, PASSWORD, PASSWD,
//    PASSPHRASE, CREDENTIAL, AUTH (not AUTHOR), COOKIE, PRIVATE or SESSION, ends in _PAT,
//    _DSN, _PASS or _CREDS, or is a well-known one (SSH_AUTH_SOCK, KUBECONFIG, ...);
//  - its value looks like one: a URL with a password (scheme://user:pass@host), a token
//    with a well-known prefix (ghp_, github_pat_, glpat-, sk-, xoxb-, AKIA, ...), a JWT or a
//    PEM private key;
//  - its value holds a secret registered with register_secret() (common/logging.h), such as
//    the run's API key, whatever the variable is called;
//  - the caller names it (the variable the run's API key or forge token was read from).
// Thread-safety: pure functions (register_secret's list is read under its lock).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace agent {

// True for variable names that must never reach a command.
bool is_secret_env_name(std::string_view name);
// True for values that look like a credential whatever the variable's name.
bool is_secret_env_value(std::string_view value);

// `parent` is "KEY=VALUE" entries (e.g. from environ). `extra` entries are added last and
// override earlier ones. `drop` names variables removed as well, whatever they hold.
std::vector<std::string> build_command_env(const std::vector<std::string>& parent,
                                           const std::vector<std::string>& extra = {},
                                           const std::vector<std::string>& drop = {});

// The current process's environment as "KEY=VALUE" entries.
std::vector<std::string> current_environment();

}  // namespace agent
