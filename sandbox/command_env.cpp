#include "sandbox/command_env.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "common/logging.h"

extern char** environ;

namespace agent {

namespace {

std::string upper(std::string_view s) {
  std::string u(s);
  for (auto& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// "AUTH" as in AUTH_TOKEN or AUTHORIZATION, not GIT_AUTHOR_NAME.
bool has_auth(const std::string& u) {
  for (size_t p = u.find("AUTH"); p != std::string::npos; p = u.find("AUTH", p + 1)) {
    bool author = u.compare(p, 6, "AUTHOR") == 0 && (p + 6 >= u.size() || u[p + 6] != 'I');
    if (!author) return true;
  }
  return false;
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// scheme://user:password@host anywhere in the value (several URLs may be listed).
bool has_url_password(std::string_view v) {
  for (size_t p = v.find("://"); p != std::string_view::npos; p = v.find("://", p + 3)) {
    size_t start = p + 3;
    size_t end = v.find_first_of("/?# \t,;", start);
    std::string_view authority = v.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    size_t at = authority.rfind('@');
    if (at == std::string_view::npos) continue;
    size_t colon = authority.substr(0, at).find(':');
    if (colon != std::string_view::npos && colon + 1 < at) return true;
  }
  return false;
}

struct TokenShape {
  const char* prefix;
  size_t min_rest;  // token characters that must follow
};

// Prefixes providers put on their tokens so that scanners can find them.
const TokenShape kTokenShapes[] = {
    {"ghp_", 20},     {"gho_", 20},     {"ghs_", 20},     {"ghu_", 20},      {"ghr_", 20},
    {"github_pat_", 20}, {"glpat-", 20}, {"gldt-", 20},   {"glrt-", 20},     {"sk-", 20},
    {"sk_live_", 16}, {"sk_test_", 16}, {"rk_live_", 16}, {"xoxb-", 10},     {"xoxp-", 10},
    {"xoxa-", 10},    {"xoxs-", 10},    {"xoxe-", 10},    {"xapp-", 10},     {"AKIA", 16},
    {"ASIA", 16},     {"AIza", 30},     {"npm_", 30},     {"pypi-", 30},     {"hf_", 30},
    {"ya29.", 20},    {"dop_v1_", 30},  {"shpat_", 20},   {"glsa_", 20},     {"SG.", 20}};

bool has_token_prefix(std::string_view v) {
  for (const auto& t : kTokenShapes) {
    std::string_view prefix(t.prefix);
    for (size_t p = v.find(prefix); p != std::string_view::npos; p = v.find(prefix, p + 1)) {
      if (p > 0 && std::isalnum(static_cast<unsigned char>(v[p - 1]))) continue;  // inside a word
      size_t q = p + prefix.size();
      while (q < v.size() && (is_token_char(v[q]) || v[q] == '.')) ++q;
      if (q - p - prefix.size() >= t.min_rest) return true;
    }
  }
  return false;
}

// header.payload.signature, both JSON objects base64url-encoded ("eyJ" is `{"`).
bool has_jwt(std::string_view v) {
  size_t p = v.find("eyJ");
  return p != std::string_view::npos && v.find(".eyJ", p) != std::string_view::npos;
}

}  // namespace

bool is_secret_env_name(std::string_view name) {
  std::string u = upper(name);
  static const char* kParts[] = {"KEY",        "TOKEN",  "SECRET",  "PASSWORD", "PASSWD", "PASSPHRASE",
                                 "CREDENTIAL", "COOKIE", "PRIVATE", "SESSION"};
  for (const char* p : kParts) {
    if (u.find(p) != std::string::npos) return true;
  }
  if (has_auth(u)) return true;
  for (const char* s : {"_PAT", "_DSN", "_PASS", "_CREDS"}) {
    if (ends_with(u, s)) return true;
  }
  static const char* kNames[] = {"AWS_ACCESS_KEY_ID", "GH_ENTERPRISE_TOKEN", "NPM_CONFIG__AUTH",
                                 "SSH_AUTH_SOCK", "GPG_AGENT_INFO", "KRB5CCNAME",
                                 "DOCKER_CONFIG", "KUBECONFIG", "GOOGLE_APPLICATION_CREDENTIALS",
                                 "AZURE_CLIENT_ID", "VAULT_ADDR", "DBUS_SESSION_BUS_ADDRESS",
                                 "PAT", "DSN"};
  for (const char* n : kNames) {
    if (u == n) return true;
  }
  return false;
}

bool is_secret_env_value(std::string_view value) {
  return has_url_password(value) || has_token_prefix(value) || has_jwt(value) ||
         value.find("PRIVATE KEY-----") != std::string_view::npos;
}

std::vector<std::string> build_command_env(const std::vector<std::string>& parent,
                                           const std::vector<std::string>& extra,
                                           const std::vector<std::string>& drop) {
  std::map<std::string, std::string> vars;
  for (const auto& e : parent) {
    size_t eq = e.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    std::string name = e.substr(0, eq);
    std::string_view value = std::string_view(e).substr(eq + 1);
    if (std::find(drop.begin(), drop.end(), name) != drop.end()) continue;
    if (is_secret_env_name(name) || is_secret_env_value(value)) continue;
    if (redact_secrets(value) != value) continue;  // holds a registered secret (the API key)
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
