#include "policies/policy.h"

#include <fnmatch.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "policies/shell_parse.h"

namespace agent::policy {

namespace {

bool token_matches(const PrefixToken& alts, const std::string& word) {
  for (const auto& a : alts) {
    if (::fnmatch(a.c_str(), word.c_str(), 0) == 0) return true;
  }
  return false;
}

// The words of `c` a prefix of `n` tokens matched, for messages and "always" keys.
std::string matched_words(const ParsedCommand& c, size_t n) {
  std::string s = program_name(c.argv[0]);
  for (size_t i = 1; i < n && i < c.argv.size(); ++i) s += " " + c.argv[i];
  return s;
}

bool prefix_matches(const CommandRule& r, const ParsedCommand& c) {
  if (c.dynamic_program || r.prefix.empty() || c.argv.size() < r.prefix.size()) return false;
  if (!token_matches(r.prefix[0], program_name(c.argv[0]))) return false;
  for (size_t i = 1; i < r.prefix.size(); ++i) {
    if (!token_matches(r.prefix[i], c.argv[i])) return false;
  }
  return true;
}

// The key an "always" answer approves: the program and its subcommand word if it has one.
std::string default_key(const ParsedCommand& c) {
  std::string k = program_name(c.argv[0]);
  if (c.argv.size() > 1 && !c.argv[1].empty() && c.argv[1][0] != '-' &&
      c.argv[1].find('/') == std::string::npos && c.argv[1].find('.') == std::string::npos) {
    k += " " + c.argv[1];
  }
  return k;
}

void merge(Decision& into, Verdict v, const std::string& reason, const std::string& key) {
  if (v == Verdict::kAsk && !key.empty() &&
      std::find(into.ask_keys.begin(), into.ask_keys.end(), key) == into.ask_keys.end()) {
    into.ask_keys.push_back(key);
  }
  if (v > into.verdict) {
    into.verdict = v;
    into.reason = reason;
  } else if (v == into.verdict && v != Verdict::kAllow && into.reason.find(reason) == std::string::npos) {
    into.reason += "; " + reason;
  }
}

std::string rule_text(const std::string& what, const std::string& reason, const std::string& source) {
  return what + (reason.empty() ? "" : ": " + reason) + " (" + source + ")";
}

// Shell code only known at run time could be any command: when the policy restricts any
// command (a deny or ask rule, or a stricter default), it is asked about, never allowed.
Verdict hidden_code_verdict(const PolicyConfig& cfg) {
  bool restricts = cfg.defaults.command != Verdict::kAllow;
  for (const auto& r : cfg.commands) restricts = restricts || r.decision != Verdict::kAllow;
  return restricts ? std::max(Verdict::kAsk, cfg.defaults.opaque) : cfg.defaults.opaque;
}

Decision decide_one(const ParsedCommand& c, const PolicyConfig& cfg, Verdict hidden_verdict) {
  Decision d;
  if (c.dynamic_program) {
    merge(d, cfg.defaults.dynamic,
          "`" + c.argv[0] + "`: the program is only known when the command runs, so the rules cannot be checked",
          c.argv[0]);
    return d;
  }
  bool matched = false;
  for (const auto& r : cfg.commands) {
    if (!prefix_matches(r, c)) continue;
    matched = true;
    std::string key = matched_words(c, r.prefix.size());
    merge(d, r.decision, rule_text("`" + key + "`", r.reason, r.source), key);
  }
  if (!matched) {
    merge(d, cfg.defaults.command,
          "`" + default_key(c) + "` matches no rule (default for commands: " +
              std::string(verdict_name(cfg.defaults.command)) + ")",
          default_key(c));
  }
  if (c.opaque && cfg.defaults.opaque != Verdict::kAllow) {
    merge(d, cfg.defaults.opaque,
          "`" + default_key(c) + "` runs code from a file or another language that the rules cannot read",
          default_key(c));
  }
  if (c.hidden_code && hidden_verdict != Verdict::kAllow) {
    merge(d, hidden_verdict,
          "`" + default_key(c) + "` runs shell code that is only known when the command runs (piped in, "
              "from `<(...)`, or built from variables), so the rules cannot check it: write the commands out instead",
          default_key(c));
  }
  return d;
}

std::string relative_to(const std::string& path, const std::string& workspace) {
  namespace fs = std::filesystem;
  fs::path p(path);
  if (p.is_absolute() && !workspace.empty()) p = p.lexically_normal().lexically_relative(workspace);
  std::string s = p.lexically_normal().generic_string();
  while (s.rfind("./", 0) == 0) s.erase(0, 2);
  return s;
}

}  // namespace

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kAllow: return "allow";
    case Verdict::kAsk: return "ask";
    case Verdict::kDeny: return "deny";
  }
  return "deny";
}

Result<Verdict> parse_verdict(std::string_view s) {
  if (s == "allow") return Verdict::kAllow;
  if (s == "ask") return Verdict::kAsk;
  if (s == "deny") return Verdict::kDeny;
  return invalid_argument("decision must be allow, ask or deny, got \"" + std::string(s) + "\"");
}

Decision decide_command(const std::string& command_line, const PolicyConfig& cfg) {
  ParsedScript script = parse_shell(command_line);
  const Verdict hidden = hidden_code_verdict(cfg);
  Decision d;
  for (const auto& c : script.commands) {
    Decision one = decide_one(c, cfg, hidden);
    merge(d, one.verdict, one.reason, "");
    if (one.verdict != Verdict::kAsk) continue;
    for (const auto& k : one.ask_keys) {
      if (std::find(d.ask_keys.begin(), d.ask_keys.end(), k) == d.ask_keys.end()) d.ask_keys.push_back(k);
    }
  }
  if (d.verdict != Verdict::kAsk) d.ask_keys.clear();
  if (d.verdict == Verdict::kAllow) d.reason = "allowed";
  return d;
}

bool path_glob_match(std::string_view glob, std::string_view path) {
  // ** at a segment boundary matches zero or more whole segments; recursion on the rest.
  if (glob.empty()) return path.empty();
  if (glob.substr(0, 2) == "**") {
    std::string_view rest = glob.substr(2);
    if (!rest.empty() && rest[0] == '/') rest.remove_prefix(1);
    if (path_glob_match(rest, path)) return true;
    for (size_t i = 0; i < path.size(); ++i) {
      if (path[i] == '/' && path_glob_match(rest, path.substr(i + 1))) return true;
    }
    return rest.empty();
  }
  size_t gs = glob.find('/');
  size_t ps = path.find('/');
  std::string gseg(glob.substr(0, gs)), pseg(path.substr(0, ps));
  if (::fnmatch(gseg.c_str(), pseg.c_str(), 0) != 0) return false;
  if (gs == std::string_view::npos) return ps == std::string_view::npos;
  if (ps == std::string_view::npos) return glob.substr(gs + 1) == "**";
  return path_glob_match(glob.substr(gs + 1), path.substr(ps + 1));
}

bool rule_matches(const CommandRule& rule, const std::string& command_line) {
  for (const auto& c : parse_shell(command_line).commands) {
    if (prefix_matches(rule, c)) return true;
  }
  return false;
}

bool path_rule_matches(const PathRule& rule, const std::string& relative_path) {
  return path_glob_match(rule.glob, relative_path);
}

Decision decide_write(const std::vector<std::string>& paths, const std::string& workspace,
                      const PolicyConfig& cfg) {
  Decision d;
  for (const auto& raw : paths) {
    std::string rel = relative_to(raw, workspace);
    bool matched = false;
    for (const auto& r : cfg.writes) {
      if (!path_glob_match(r.glob, rel)) continue;
      matched = true;
      merge(d, r.decision, rule_text("writing " + rel, r.reason, r.source), "write " + r.glob);
    }
    if (!matched) {
      merge(d, cfg.defaults.write,
            "writing " + rel + " matches no rule (default for writes: " +
                std::string(verdict_name(cfg.defaults.write)) + ")",
            "write " + rel);
    }
  }
  if (d.verdict != Verdict::kAsk) d.ask_keys.clear();
  if (d.verdict == Verdict::kAllow) d.reason = "allowed";
  return d;
}

Decision decide_network(bool wants_network, const PolicyConfig& cfg) {
  Decision d;
  if (!wants_network) return d;
  d.verdict = cfg.defaults.network;
  d.reason = d.verdict == Verdict::kAllow ? "allowed"
                                          : "the policy says " + std::string(verdict_name(d.verdict)) +
                                                " for --network on";
  if (d.verdict == Verdict::kAsk) d.ask_keys = {"network"};
  return d;
}

std::vector<std::string> patch_paths(std::string_view patch) {
  std::vector<std::string> out;
  std::istringstream in{std::string(patch)};
  auto add = [&](std::string p) {
    while (!p.empty() && (p.back() == '\r' || p.back() == ' ')) p.pop_back();
    size_t tab = p.find('\t');
    if (tab != std::string::npos) p.resize(tab);
    if (p.empty() || p == "/dev/null") return;
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  };
  auto after = [](const std::string& l, size_t n) {
    std::string s = l.substr(n);
    size_t i = s.find_first_not_of(' ');
    return i == std::string::npos ? std::string() : s.substr(i);
  };
  const bool envelope = patch.find("*** Begin Patch") != std::string_view::npos;
  for (std::string l; std::getline(in, l);) {
    for (const char* h : {"*** Add File:", "*** Update File:", "*** Delete File:", "*** Move to:"}) {
      if (l.rfind(h, 0) == 0) add(after(l, std::strlen(h)));
    }
    if (!envelope && (l.rfind("+++ ", 0) == 0 || l.rfind("--- ", 0) == 0)) {
      std::string p = after(l, 4);
      if (p.rfind("a/", 0) == 0 || p.rfind("b/", 0) == 0) p = p.substr(2);
      add(p);
    }
  }
  return out;
}

Decision decide(const ToolRequest& req, const PolicyConfig& cfg) {
  auto str = [&](const char* key) {
    auto it = req.args.find(key);
    return it != req.args.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (req.tool == "shell") return decide_command(str("command"), cfg);
  if (req.tool == "write_file" || req.tool == "edit_file") return decide_write({str("path")}, req.workspace, cfg);
  if (req.tool == "apply_patch") return decide_write(patch_paths(str("patch")), req.workspace, cfg);
  Decision d;
  d.reason = "allowed";
  return d;
}

}  // namespace agent::policy
