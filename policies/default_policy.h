// The built-in policy: what applies before any rule file, itself written in the rule-file
// format (and so checked by the same loader, examples included). docs/policies.md lists it.
// With the sandbox on, commands are allowed unless they act beyond the sandbox (publishing,
// pushing, remote infrastructure) or cannot work in it (sudo); with `--sandbox off` nothing
// contains them, so only read-only commands are allowed without asking.
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "policies/policy_file.h"

namespace agent::policy {

std::string builtin_policy_toml(bool sandboxed);
Result<PolicyLayer> builtin_policy(bool sandboxed);

}  // namespace agent::policy
