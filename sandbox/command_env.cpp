#include "sandbox/command_env.h"

#include <algorithm>
#include <cctype>
#include <map>

extern char** environ;

namespace agent {

namespace {

std::string upper(std::string_view s) {
  std::string u(s);
  for (auto& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

}  // namespace

bool is_secret_env_name(std::string_view name) {
  std::string u = upper(name);
  static const char* kParts[] = {"KEY",  "TOKEN",  "SECRET", "PASSWORD", "PASSWD",
                                 "CREDENTIAL", "AUTH", "COOKIE", "PRIVATE", "SESSION"};
  for (const char* p : kParts) {
    if (u.find(p) != std::string::npos) return true;
  }
  static const char* kNames[] = {"AWS_ACCESS_KEY_ID", "GH_ENTERPRISE_TOKEN", "NPM_CONFIG__AUTH",
                                 "SSH_AUTH_SOCK", "GPG_AGENT_INFO", "KRB5CCNAME",
                                 "DOCKER_CONFIG", "KUBECONFIG", "GOOGLE_APPLICATION_CREDENTIALS",
                                 "AZURE_CLIENT_ID", "VAULT_ADDR", "DBUS_SESSION_BUS_ADDRESS"};
  for (const char* n : kNames) {
    if (u == n) return true;
  }
  return false;
}

std::vector<std::string> build_command_env(const std::vector<std::string>& parent,
                                           const std::vector<std::string>& extra) {
  std::map<std::string, std::string> vars;
  for (const auto& e : parent) {
    size_t eq = e.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    std::string name = e.substr(0, eq);
    if (is_secret_env_name(name)) continue;
    // Shell functions exported by the parent (BASH_FUNC_x%%) are not passed on.
    if (name.rfind("BASH_FUNC_", 0) == 0) continue;
    // Files that a non-interactive shell would source before the command.
    if (name == "BASH_ENV" || name == "ENV" || name == "PROMPT_COMMAND") continue;
    vars[name] = e.substr(eq + 1);
  }
  static const std::pair<const char*, const char*> kDefaults[] = {
      {"PAGER", "cat"},          {"GIT_PAGER", "cat"},        {"MANPAGER", "cat"},
      {"GIT_TERMINAL_PROMPT", "0"}, {"TERM", "dumb"},          {"NO_COLOR", "1"},
      {"CLICOLOR", "0"},         {"DEBIAN_FRONTEND", "noninteractive"},
      {"PYTHONUNBUFFERED", "1"}, {"PIP_NO_INPUT", "1"},       {"GIT_EDITOR", "true"},
      {"EDITOR", "true"},        {"VISUAL", "true"},          {"LESS", "-FRX"}};
  for (const auto& [k, v] : kDefaults) vars[k] = v;
  if (!vars.count("PATH")) vars["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  for (const auto& e : extra) {
    size_t eq = e.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    vars[e.substr(0, eq)] = e.substr(eq + 1);
  }
  std::vector<std::string> out;
  out.reserve(vars.size());
  for (const auto& [k, v] : vars) out.push_back(k + "=" + v);
  return out;
}

std::vector<std::string> current_environment() {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) out.emplace_back(*e);
  return out;
}

}  // namespace agent
