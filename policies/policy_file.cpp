#include "policies/policy_file.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>

namespace agent::policy {

namespace {

std::string where(const std::string& source, const toml::node& n) {
  return source + ":" + std::to_string(n.source().begin.line);
}

Result<std::vector<std::string>> string_list(const toml::node* n, const std::string& at, const char* key) {
  std::vector<std::string> out;
  if (n == nullptr) return out;
  const toml::array* a = n->as_array();
  if (a == nullptr) return invalid_argument(at + ": `" + key + "` must be an array of strings");
  for (const auto& e : *a) {
    auto s = e.value<std::string>();
    if (!s) return invalid_argument(at + ": `" + key + "` must be an array of strings");
    out.push_back(*s);
  }
  return out;
}

// prefix = "git push" | ["git", "push"] | ["git", ["push", "fetch"]]
Result<std::vector<PrefixToken>> parse_prefix(const toml::node& n, const std::string& at) {
  std::vector<PrefixToken> out;
  if (auto s = n.value<std::string>()) {
    std::string word;
    for (char c : *s + " ") {
      if (!std::isspace(static_cast<unsigned char>(c))) { word += c; continue; }
      if (!word.empty()) out.push_back({word});
      word.clear();
    }
  } else if (const toml::array* a = n.as_array()) {
    for (const auto& tok : *a) {
      if (auto ts = tok.value<std::string>()) {
        out.push_back({*ts});
      } else if (tok.is_array()) {
        auto alts = string_list(&tok, at, "prefix");
        if (!alts.ok()) return alts.status();
        if (alts->empty()) return invalid_argument(at + ": an alternatives list in `prefix` is empty");
        out.push_back(*alts);
      } else {
        return invalid_argument(at + ": `prefix` tokens must be strings or lists of strings");
      }
    }
  } else {
    return invalid_argument(at + ": `prefix` must be a string or an array");
  }
  if (out.empty()) return invalid_argument(at + ": `prefix` is empty");
  return out;
}

Result<Verdict> rule_decision(const toml::table& t, const std::string& at, Layer layer) {
  auto d = t["decision"].value<std::string>();
  if (!d) return invalid_argument(at + ": a rule needs `decision` (allow, ask or deny)");
  auto v = parse_verdict(*d);
  if (!v.ok()) return invalid_argument(at + ": " + v.status().message());
  if (layer == Layer::kProject && *v == Verdict::kAllow) {
    return invalid_argument(at + ": a project policy file may only deny or ask (an `allow` rule "
                            "belongs in your own ~/.config/agent/policy.toml)");
  }
  return *v;
}

Status check_known_keys(const toml::table& t, const std::string& at,
                        std::initializer_list<std::string_view> known) {
  for (const auto& [k, v] : t) {
    if (std::find(known.begin(), known.end(), k.str()) == known.end()) {
      return invalid_argument(at + ": unknown key `" + std::string(k.str()) + "`");
    }
  }
  return ok_status();
}

Status parse_command_rule(const toml::table& t, const std::string& at, Layer layer, PolicyLayer& out) {
  AGENT_RETURN_IF_ERROR(check_known_keys(t, at, {"prefix", "decision", "reason", "match", "not_match"}));
  CommandRule r;
  r.source = at;
  if (!t.contains("prefix")) return invalid_argument(at + ": a [[command]] rule needs `prefix`");
  AGENT_ASSIGN_OR_RETURN(r.prefix, parse_prefix(*t.get("prefix"), at));
  AGENT_ASSIGN_OR_RETURN(r.decision, rule_decision(t, at, layer));
  r.reason = t["reason"].value_or(std::string());
  AGENT_ASSIGN_OR_RETURN(r.match, string_list(t.get("match"), at, "match"));
  AGENT_ASSIGN_OR_RETURN(r.not_match, string_list(t.get("not_match"), at, "not_match"));
  // Examples are the rule's own tests: checked now, so a rule that does not do what its
  // author meant is refused before it can mislead.
  for (const auto& m : r.match) {
    if (!rule_matches(r, m)) return invalid_argument(at + ": the rule does not match its example \"" + m + "\"");
  }
  for (const auto& m : r.not_match) {
    if (rule_matches(r, m)) return invalid_argument(at + ": the rule matches its not_match example \"" + m + "\"");
  }
  out.commands.push_back(std::move(r));
  return ok_status();
}

Status parse_write_rule(const toml::table& t, const std::string& at, Layer layer, PolicyLayer& out) {
  AGENT_RETURN_IF_ERROR(check_known_keys(t, at, {"path", "decision", "reason", "match", "not_match"}));
  PathRule r;
  r.source = at;
  auto glob = t["path"].value<std::string>();
  if (!glob || glob->empty()) return invalid_argument(at + ": a [[write]] rule needs `path` (a glob)");
  if (glob->front() == '/') return invalid_argument(at + ": `path` is relative to the repository root");
  r.glob = *glob;
  AGENT_ASSIGN_OR_RETURN(r.decision, rule_decision(t, at, layer));
  r.reason = t["reason"].value_or(std::string());
  AGENT_ASSIGN_OR_RETURN(r.match, string_list(t.get("match"), at, "match"));
  AGENT_ASSIGN_OR_RETURN(r.not_match, string_list(t.get("not_match"), at, "not_match"));
  for (const auto& m : r.match) {
    if (!path_rule_matches(r, m)) return invalid_argument(at + ": the rule does not match its example \"" + m + "\"");
  }
  for (const auto& m : r.not_match) {
    if (path_rule_matches(r, m)) return invalid_argument(at + ": the rule matches its not_match example \"" + m + "\"");
  }
  out.writes.push_back(std::move(r));
  return ok_status();
}

Status parse_defaults(const toml::table& t, const std::string& source, Layer layer, PolicyLayer& out) {
  std::string at = where(source, t);
  AGENT_RETURN_IF_ERROR(check_known_keys(t, at, {"command", "write", "dynamic", "opaque", "network", "builtin_rules"}));
  auto get = [&](const char* key, std::optional<Verdict>& dst) -> Status {
    if (!t.contains(key)) return ok_status();
    auto s = t[key].value<std::string>();
    auto v = s ? parse_verdict(*s) : Result<Verdict>(invalid_argument("must be a string"));
    if (!v.ok()) return invalid_argument(at + ": [defaults] " + key + ": " + v.status().message());
    dst = *v;
    return ok_status();
  };
  for (auto [k, dst] : {std::pair{"command", &out.command}, {"write", &out.write}, {"dynamic", &out.dynamic},
                        {"opaque", &out.opaque}, {"network", &out.network}}) {
    AGENT_RETURN_IF_ERROR(get(k, *dst));
  }
  if (t.contains("builtin_rules")) {
    auto b = t["builtin_rules"].value<bool>();
    if (!b) return invalid_argument(at + ": [defaults] builtin_rules must be true or false");
    if (layer == Layer::kProject && !*b) return invalid_argument(at + ": a project policy file cannot drop the built-in rules");
    out.builtin_rules = *b;
  }
  return ok_status();
}

Status parse_sandbox(const toml::table& t, const std::string& source, Layer layer, PolicyLayer& out) {
  std::string at = where(source, t);
  if (layer == Layer::kProject) {
    return invalid_argument(at + ": a project policy file cannot change [sandbox] settings");
  }
  AGENT_RETURN_IF_ERROR(check_known_keys(t, at, {"home_visible", "memory", "max_processes", "cpu_seconds",
                                                 "file_size", "open_files", "tmp_size", "shell"}));
  AGENT_ASSIGN_OR_RETURN(out.sandbox.home_visible, string_list(t.get("home_visible"), at, "home_visible"));
  auto size = [&](const char* key, std::optional<uint64_t>& dst) -> Status {
    const toml::node* n = t.get(key);
    if (n == nullptr) return ok_status();
    if (auto i = n->value<int64_t>(); i && *i > 0) {
      dst = static_cast<uint64_t>(*i);
      return ok_status();
    }
    auto s = n->value<std::string>();
    auto v = s ? parse_size(*s) : Result<uint64_t>(invalid_argument("must be a positive number or a size like \"8G\""));
    if (!v.ok()) return invalid_argument(at + ": [sandbox] " + key + ": " + v.status().message());
    dst = *v;
    return ok_status();
  };
  SandboxSettings& s = out.sandbox;
  for (auto [k, dst] : {std::pair{"memory", &s.memory_bytes}, {"max_processes", &s.max_processes},
                        {"cpu_seconds", &s.cpu_seconds}, {"file_size", &s.file_size_bytes},
                        {"open_files", &s.open_files}, {"tmp_size", &s.tmp_size_bytes}}) {
    AGENT_RETURN_IF_ERROR(size(k, *dst));
  }
  if (t.contains("shell")) {
    auto sh = t["shell"].value<std::string>();
    if (!sh || (*sh != "persistent" && *sh != "oneshot")) {
      return invalid_argument(at + ": [sandbox] shell must be \"persistent\" or \"oneshot\"");
    }
    s.shell = *sh;
  }
  return ok_status();
}

Status parse_rule_array(const toml::node& n, const std::string& source, const char* name, Layer layer,
                        PolicyLayer& out) {
  const toml::array* a = n.as_array();
  if (a == nullptr) return invalid_argument(where(source, n) + ": `" + name + "` must be written [[" + name + "]]");
  for (const auto& e : *a) {
    const toml::table* t = e.as_table();
    std::string at = where(source, e);
    if (t == nullptr) return invalid_argument(at + ": each [[" + std::string(name) + "]] must be a table");
    AGENT_RETURN_IF_ERROR(std::string(name) == "command" ? parse_command_rule(*t, at, layer, out)
                                                         : parse_write_rule(*t, at, layer, out));
  }
  return ok_status();
}

}  // namespace

Result<uint64_t> parse_size(std::string_view s) {
  if (s.empty()) return invalid_argument("empty size");
  size_t i = 0;
  uint64_t v = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) v = v * 10 + static_cast<uint64_t>(s[i++] - '0');
  if (i == 0) return invalid_argument("size \"" + std::string(s) + "\" does not start with a number");
  std::string unit(s.substr(i));
  for (auto& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  int shift = unit.empty() || unit == "B" ? 0 : unit[0] == 'K' ? 10 : unit[0] == 'M' ? 20 : unit[0] == 'G' ? 30 : unit[0] == 'T' ? 40 : -1;
  if (shift < 0 || (unit.size() > 1 && unit.substr(1) != "B" && unit.substr(1) != "IB")) {
    return invalid_argument("size \"" + std::string(s) + "\": unit must be K, M, G or T");
  }
  if (v == 0) return invalid_argument("size \"" + std::string(s) + "\" must be positive");
  return v << shift;
}

Result<PolicyLayer> parse_policy_layer(std::string_view text, const std::string& source, Layer layer) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return invalid_argument(source + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
  PolicyLayer out;
  out.source = source;
  for (const auto& [k, v] : root) {
    std::string key(k.str());
    if (key == "defaults" && v.is_table()) {
      AGENT_RETURN_IF_ERROR(parse_defaults(*v.as_table(), source, layer, out));
    } else if (key == "sandbox" && v.is_table()) {
      AGENT_RETURN_IF_ERROR(parse_sandbox(*v.as_table(), source, layer, out));
    } else if (key == "command" || key == "write") {
      AGENT_RETURN_IF_ERROR(parse_rule_array(v, source, key.c_str(), layer, out));
    } else {
      return invalid_argument(where(source, v) + ": unknown section `" + key +
                              "` (expected [defaults], [sandbox], [[command]] or [[write]])");
    }
  }
  if (layer == Layer::kProject) {
    for (auto [name, v] : {std::pair{"command", out.command}, {"write", out.write}, {"dynamic", out.dynamic},
                           {"opaque", out.opaque}, {"network", out.network}}) {
      if (v == Verdict::kAllow) {
        return invalid_argument(source + ": [defaults] " + name + " = \"allow\" would loosen the policy; "
                                "a project policy file may only tighten it");
      }
    }
  }
  return out;
}

PolicyConfig merge_layers(const std::vector<std::pair<Layer, PolicyLayer>>& layers) {
  PolicyConfig cfg;
  bool keep_builtin = true;
  for (const auto& [layer, l] : layers) {
    if (layer == Layer::kUser && !l.builtin_rules) keep_builtin = false;
  }
  for (const auto& [layer, l] : layers) {
    if (layer == Layer::kBuiltin && !keep_builtin) continue;
    auto set = [&](Verdict& dst, const std::optional<Verdict>& v) {
      if (!v) return;
      dst = layer == Layer::kProject ? std::max(dst, *v) : *v;
    };
    set(cfg.defaults.command, l.command);
    set(cfg.defaults.write, l.write);
    set(cfg.defaults.dynamic, l.dynamic);
    set(cfg.defaults.opaque, l.opaque);
    set(cfg.defaults.network, l.network);
    cfg.commands.insert(cfg.commands.end(), l.commands.begin(), l.commands.end());
    cfg.writes.insert(cfg.writes.end(), l.writes.begin(), l.writes.end());
    cfg.sources.push_back(l.source);
  }
  return cfg;
}

}  // namespace agent::policy
