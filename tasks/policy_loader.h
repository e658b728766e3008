// Reading the policy files of a run: the built-in policy, the user's
// ($XDG_CONFIG_HOME/agent/policy.toml, else ~/.config/agent/policy.toml) and the project's
// (<repo>/.agent/policy.toml). A file that does not exist is skipped; one that does not
// parse or whose rules fail their examples is an error naming the file and line.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"
#include "policies/policy.h"
#include "policies/policy_file.h"

namespace agent::cli {

struct LoadedPolicy {
  policy::PolicyConfig config;
  policy::SandboxSettings sandbox;   // from the user's file
  std::vector<std::string> files;    // the files read, in order
};

std::filesystem::path user_policy_path();
std::filesystem::path project_policy_path(const std::string& repo);

// `sandboxed`: whether commands run in a sandbox (the built-in policy is stricter without).
Result<LoadedPolicy> load_policy(const std::string& repo, bool sandboxed);

}  // namespace agent::cli
