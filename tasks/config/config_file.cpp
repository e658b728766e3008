#include "tasks/config/config_file.h"

#include <toml++/toml.h>

#include <cmath>
#include <cstdlib>
#include <variant>

#include "common/fs.h"
#include "inference/api/url.h"

namespace agent::cli {

namespace {

enum class Rule { kAny, kTighten, kUserOnly };
using Field = std::variant<std::optional<std::string> ConfigLayer::*, std::optional<double> ConfigLayer::*,
                           std::optional<int64_t> ConfigLayer::*>;

// Every setting once: its key in config.toml, its environment variable and flag (if any),
// and what a repository's config may do with it.
struct KeySpec {
  std::string_view toml, env, flag;
  Field field;
  Rule rule;
};

const KeySpec kKeys[] = {
    {"model", "AGENT_MODEL", "--model", &ConfigLayer::model, Rule::kAny},
    {"reasoning", "AGENT_REASONING", "--reasoning", &ConfigLayer::reasoning, Rule::kAny},
    {"backend", "AGENT_BACKEND", "--backend", &ConfigLayer::backend, Rule::kUserOnly},
    {"api.format", "AGENT_API", "--api", &ConfigLayer::api, Rule::kUserOnly},
    {"api.base_url", "AGENT_BASE_URL", "--base-url", &ConfigLayer::base_url, Rule::kUserOnly},
    {"api.key_env", "AGENT_API_KEY_ENV", "", &ConfigLayer::key_env, Rule::kUserOnly},
    {"api.server", "AGENT_API_SERVER", "", &ConfigLayer::server, Rule::kUserOnly},
    {"api.ca_file", "", "", &ConfigLayer::ca_file, Rule::kUserOnly},
    {"api.connect_timeout_s", "", "", &ConfigLayer::connect_timeout_s, Rule::kUserOnly},
    {"api.first_byte_timeout_s", "", "", &ConfigLayer::first_byte_timeout_s, Rule::kUserOnly},
    {"api.idle_timeout_s", "", "", &ConfigLayer::idle_timeout_s, Rule::kUserOnly},
    {"api.max_attempts", "", "", &ConfigLayer::max_attempts, Rule::kUserOnly},
    {"api.retry_base_delay_s", "", "", &ConfigLayer::retry_base_delay_s, Rule::kUserOnly},
    {"api.retry_max_delay_s", "", "", &ConfigLayer::retry_max_delay_s, Rule::kUserOnly},
    {"api.retry_budget_s", "", "", &ConfigLayer::retry_budget_s, Rule::kUserOnly},
    {"budget.max_steps", "AGENT_MAX_STEPS", "--max-steps", &ConfigLayer::max_steps, Rule::kTighten},
    {"budget.max_cost_usd", "AGENT_MAX_COST", "--max-cost", &ConfigLayer::max_cost_usd, Rule::kTighten},
    {"budget.timeout_s", "", "--timeout", &ConfigLayer::timeout_s, Rule::kTighten},
    {"budget.max_output_tokens", "", "--max-output-tokens", &ConfigLayer::max_output_tokens, Rule::kTighten},
    {"budget.context_tokens", "", "--context-tokens", &ConfigLayer::context_tokens, Rule::kTighten},
    {"budget.cost_reserve_tokens", "", "", &ConfigLayer::cost_reserve_tokens, Rule::kTighten},
    {"sandbox.mode", "", "--sandbox", &ConfigLayer::sandbox, Rule::kTighten},
    {"sandbox.network", "", "--network", &ConfigLayer::network, Rule::kTighten},
    {"prices.file", "", "", &ConfigLayer::prices_file, Rule::kUserOnly},
};

const KeySpec* find_key(std::string_view toml_key) {
  for (const auto& k : kKeys) {
    if (k.toml == toml_key) return &k;
  }
  return nullptr;
}

std::string why_repo_may_not(std::string_view key) {
  if (key.substr(0, 7) == "prices.") return "a repository's config cannot change what prices count";
  if (key.substr(0, 9) == "policies.") return "a repository's config cannot change the policies";
  return "a repository's config cannot change where requests and credentials go";
}

Status set_field(ConfigLayer& layer, const KeySpec& spec, const toml::node& v, std::string_view where) {
  return std::visit(
      [&](auto member) -> Status {
        using T = typename std::remove_reference_t<decltype(layer.*member)>::value_type;
        if constexpr (std::is_same_v<T, std::string>) {
          auto s = v.value<std::string>();
          if (!s) return invalid_argument(std::string(where) + " must be a string");
          layer.*member = *s;
        } else if constexpr (std::is_same_v<T, int64_t>) {
          if (!v.is_integer()) return invalid_argument(std::string(where) + " must be an integer");
          layer.*member = *v.value<int64_t>();
        } else {
          auto d = v.value<double>();
          if (!d || !std::isfinite(*d)) return invalid_argument(std::string(where) + " must be a number");
          layer.*member = *d;
        }
        return ok_status();
      },
      spec.field);
}

// Walks one table of the file (the root or [api], [budget], ...).
Status read_table(const toml::table& t, std::string_view prefix, std::string_view source, Trust trust,
                  ConfigLayer& layer, std::vector<std::string>& warnings) {
  for (auto&& [k, v] : t) {
    std::string key = prefix.empty() ? std::string(k.str()) : std::string(prefix) + "." + std::string(k.str());
    std::string where = std::string(source) + ":" + std::to_string(v.source().begin.line) + ": " + key;
    if (prefix.empty() && v.is_table()) {
      if (trust == Trust::kRepository && (key == "api" || key == "prices" || key == "policies")) {
        warnings.push_back(where + " is ignored: " + why_repo_may_not(key + "."));
        continue;
      }
      AGENT_RETURN_IF_ERROR(read_table(*v.as_table(), key, source, trust, layer, warnings));
      continue;
    }
    const KeySpec* spec = find_key(key);
    if (spec == nullptr) {
      warnings.push_back(where + ": unknown setting, ignored");
      continue;
    }
    if (trust == Trust::kRepository && spec->rule == Rule::kUserOnly) {
      warnings.push_back(where + " is ignored: " + why_repo_may_not(key));
      continue;
    }
    AGENT_RETURN_IF_ERROR(set_field(layer, *spec, v, where));
    layer.lines[key] = v.source().begin.line;
  }
  return ok_status();
}

std::string name_in(const ConfigLayer& layer, std::string_view toml_key) {
  const KeySpec* k = find_key(toml_key);
  if (layer.source == "environment" && k && !k->env.empty()) return std::string(k->env);
  if (layer.source == "flags" && k && !k->flag.empty()) return std::string(k->flag);
  if (auto it = layer.lines.find(std::string(toml_key)); it != layer.lines.end()) {
    return layer.source + ":" + std::to_string(it->second) + ": " + std::string(toml_key);
  }
  return layer.source + ": " + std::string(toml_key);
}

Status one_of(const ConfigLayer& l, const std::optional<std::string>& v, std::string_view key,
              std::initializer_list<std::string_view> allowed) {
  if (!v) return ok_status();
  std::string list;
  size_t i = 0;
  for (auto a : allowed) {
    if (*v == a) return ok_status();
    list += (i == 0 ? "" : (i + 1 == allowed.size() ? " or " : ", ")) + std::string(a);
    ++i;
  }
  return invalid_argument(name_in(l, key) + " must be " + list + ", got \"" + *v + "\"");
}

template <typename T>
Status at_least(const ConfigLayer& l, const std::optional<T>& v, std::string_view key, T min) {
  if (!v || *v >= min) return ok_status();
  if (min == T{0}) return invalid_argument(name_in(l, key) + " must not be negative, got " + std::to_string(*v));
  return invalid_argument(name_in(l, key) + " must be at least " + std::to_string(min) + ", got " + std::to_string(*v));
}

}  // namespace

Result<ConfigLayer> parse_config(std::string_view text, std::string_view source, Trust trust,
                                 std::vector<std::string>& warnings) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return invalid_argument(std::string(source) + ":" + std::to_string(e.source().begin.line) + ": " +
                            std::string(e.description()));
  }
  ConfigLayer layer;
  layer.source = std::string(source);
  AGENT_RETURN_IF_ERROR(read_table(root, "", source, trust, layer, warnings));
  AGENT_RETURN_IF_ERROR(validate_layer(layer));
  return layer;
}

Result<std::optional<ConfigLayer>> load_config_file(const std::string& path, Trust trust,
                                                    std::vector<std::string>& warnings) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::optional<ConfigLayer>();
  auto text = read_file(path, 1 << 20);
  if (!text.ok()) return text.status();
  AGENT_ASSIGN_OR_RETURN(ConfigLayer layer, parse_config(*text, path, trust, warnings));
  return std::optional<ConfigLayer>(std::move(layer));
}

Getenv process_env() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<ConfigLayer> env_layer(const Getenv& env) {
  ConfigLayer layer;
  layer.source = "environment";
  for (const auto& k : kKeys) {
    if (k.env.empty()) continue;
    std::string name(k.env);
    auto v = env(name.c_str());
    if (!v || v->empty()) continue;
    Status s = std::visit(
        [&](auto member) -> Status {
          using T = typename std::remove_reference_t<decltype(layer.*member)>::value_type;
          char* end = nullptr;
          if constexpr (std::is_same_v<T, std::string>) {
            layer.*member = *v;
          } else if constexpr (std::is_same_v<T, int64_t>) {
            long long n = std::strtoll(v->c_str(), &end, 10);
            if (*end != '\0') return invalid_argument(name + " must be an integer, got \"" + *v + "\"");
            layer.*member = n;
          } else {
            double d = std::strtod(v->c_str(), &end);
            if (*end != '\0' || !std::isfinite(d)) return invalid_argument(name + " must be a number, got \"" + *v + "\"");
            layer.*member = d;
          }
          return ok_status();
        },
        k.field);
    AGENT_RETURN_IF_ERROR(s);
  }
  AGENT_RETURN_IF_ERROR(validate_layer(layer));
  return layer;
}

Status validate_layer(const ConfigLayer& l) {
  AGENT_RETURN_IF_ERROR(one_of(l, l.reasoning, "reasoning", {"off", "high", "max"}));
  AGENT_RETURN_IF_ERROR(one_of(l, l.backend, "backend", {"auto", "api", "engine", "scripted"}));
  AGENT_RETURN_IF_ERROR(one_of(l, l.api, "api.format", {"openai", "anthropic"}));
  AGENT_RETURN_IF_ERROR(one_of(l, l.server, "api.server", {"auto", "deepseek", "vllm", "sglang", "llamacpp", "generic"}));
  AGENT_RETURN_IF_ERROR(one_of(l, l.sandbox, "sandbox.mode", {"auto", "strict", "off"}));
  AGENT_RETURN_IF_ERROR(one_of(l, l.network, "sandbox.network", {"off", "on"}));
  if (l.model && l.model->empty()) return invalid_argument(name_in(l, "model") + " is empty");
  if (l.base_url) {
    auto u = api::parse_url(*l.base_url, name_in(l, "api.base_url"));
    if (!u.ok()) return u.status();
  }
  if (l.key_env) {
    const std::string& n = *l.key_env;
    bool ok = !n.empty() && !std::isdigit(static_cast<unsigned char>(n[0]));
    for (char c : n) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    if (!ok) return invalid_argument(name_in(l, "api.key_env") + " must name an environment variable, got \"" + n + "\"");
  }
  for (auto [v, key] : {std::pair{l.connect_timeout_s, "api.connect_timeout_s"},
                        std::pair{l.first_byte_timeout_s, "api.first_byte_timeout_s"},
                        std::pair{l.idle_timeout_s, "api.idle_timeout_s"}}) {
    if (v && *v <= 0) return invalid_argument(name_in(l, key) + " must be a positive number of seconds");
  }
  for (auto [v, key] : {std::pair{l.retry_base_delay_s, "api.retry_base_delay_s"},
                        std::pair{l.retry_max_delay_s, "api.retry_max_delay_s"},
                        std::pair{l.retry_budget_s, "api.retry_budget_s"}, std::pair{l.max_cost_usd, "budget.max_cost_usd"},
                        std::pair{l.timeout_s, "budget.timeout_s"}}) {
    AGENT_RETURN_IF_ERROR(at_least(l, v, key, 0.0));
  }
  AGENT_RETURN_IF_ERROR(at_least<int64_t>(l, l.max_attempts, "api.max_attempts", 1));
  AGENT_RETURN_IF_ERROR(at_least<int64_t>(l, l.max_steps, "budget.max_steps", 0));
  AGENT_RETURN_IF_ERROR(at_least<int64_t>(l, l.max_output_tokens, "budget.max_output_tokens", 1));
  AGENT_RETURN_IF_ERROR(at_least<int64_t>(l, l.context_tokens, "budget.context_tokens", 8192));
  AGENT_RETURN_IF_ERROR(at_least<int64_t>(l, l.cost_reserve_tokens, "budget.cost_reserve_tokens", 0));
  return ok_status();
}

}  // namespace agent::cli
