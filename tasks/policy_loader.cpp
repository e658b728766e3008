#include "tasks/policy_loader.h"

#include <cstdlib>

#include "common/fs.h"
#include "policies/default_policy.h"

namespace agent::cli {

std::filesystem::path user_policy_path() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg != nullptr && *xdg != '\0') return fs::path(xdg) / "agent/policy.toml";
  const char* home = std::getenv("HOME");
  return fs::path(home != nullptr ? home : "/") / ".config/agent/policy.toml";
}

std::filesystem::path project_policy_path(const std::string& repo) {
  return fs::path(repo) / ".agent/policy.toml";
}

Result<LoadedPolicy> load_policy(const std::string& repo, bool sandboxed) {
  LoadedPolicy out;
  std::vector<std::pair<policy::Layer, policy::PolicyLayer>> layers;
  AGENT_ASSIGN_OR_RETURN(policy::PolicyLayer builtin, policy::builtin_policy(sandboxed));
  layers.emplace_back(policy::Layer::kBuiltin, std::move(builtin));
  const std::pair<policy::Layer, fs::path> files[] = {{policy::Layer::kUser, user_policy_path()},
                                                      {policy::Layer::kProject, project_policy_path(repo)}};
  for (const auto& [layer, path] : files) {
    std::error_code ec;
    if (!fs::exists(path, ec)) continue;
    auto text = read_file(path, 4 << 20);
    if (!text.ok()) return invalid_argument("policy file " + path.string() + ": " + text.status().message());
    auto parsed = policy::parse_policy_layer(*text, path.string(), layer);
    if (!parsed.ok()) return invalid_argument("policy file " + parsed.status().message());
    if (layer == policy::Layer::kUser) out.sandbox = parsed->sandbox;
    out.files.push_back(path.string());
    layers.emplace_back(layer, std::move(*parsed));
  }
  out.config = policy::merge_layers(layers);
  return out;
}

}  // namespace agent::cli
