// git's global options come before the subcommand (`git -C dir push`, `git -c k=v push`,
// `git --no-pager push`): rules are written against `git push`, so the command is also listed
// without them. Some config values given with -c are commands git runs through the shell
// (alias.x=!cmd, core.pager, core.sshCommand, ...): they are parsed as scripts; an alias
// that names another subcommand (alias.p=push) is listed as that subcommand.
#include <fnmatch.h>

#include <cctype>
#include <map>

#include "policies/shell_parse_internal.h"

namespace agent::policy::detail {

namespace {

// Global options whose value is the next word unless given as --opt=value.
const char* const kWithValue[] = {"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--super-prefix",
                                  "--config-env", "--shallow-file", "--attr-source"};

// Config keys (lower case, globs) whose value git runs as a shell command.
const char* const kCommandKeys[] = {
    "alias.*", "core.pager", "pager.*", "core.editor", "sequence.editor", "core.sshcommand",
    "core.fsmonitor", "core.askpass", "core.gitproxy", "diff.external", "diff.*.textconv",
    "diff.*.command", "merge.*.driver", "filter.*.clean", "filter.*.smudge", "filter.*.process",
    "credential.helper", "credential.*.helper", "gpg.program", "gpg.*.program",
    "interactive.difffilter", "uploadpack.packobjectshook", "remote.*.uploadpack",
    "remote.*.receivepack", "difftool.*.cmd", "mergetool.*.cmd", "browser.*.cmd", "man.*.cmd",
    "web.browser", "sendemail.smtpserver", "sendemail.*.smtpserver", "sendemail.sendmailcmd"};

// Config keys that make git run files (hooks) or read more config from a file.
const char* const kFileKeys[] = {"core.hookspath", "include.path", "includeif.*"};

bool key_in(const std::string& key, const char* const* globs, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (::fnmatch(globs[i], key.c_str(), 0) == 0) return true;
  }
  return false;
}

bool takes_value(const std::string& opt) {
  for (const char* o : kWithValue) {
    if (opt == o) return true;
  }
  return false;
}

Code stricter(Code a, Code b) { return static_cast<int>(a) > static_cast<int>(b) ? a : b; }

struct GitConfig {
  Code code = Code::kNone;
  std::map<std::string, std::string> aliases;  // name -> subcommand words
};

// One `-c key=value` (or `--config-env key=VAR`, whose value is only known at run time).
void read_config(const std::string& kv, bool dynamic, bool from_env, int depth, ParsedScript* out, GitConfig* g) {
  size_t eq = kv.find('=');
  std::string key = kv.substr(0, eq);
  for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (key_in(key, kFileKeys, std::size(kFileKeys))) {
    g->code = stricter(g->code, Code::kOpaque);
    return;
  }
  bool command_key = key_in(key, kCommandKeys, std::size(kCommandKeys));
  if (!command_key) {
    if (key.find('$') != std::string::npos) g->code = stricter(g->code, Code::kHidden);
    return;
  }
  if (from_env || dynamic) g->code = stricter(g->code, Code::kHidden);
  if (from_env || eq == std::string::npos) return;
  std::string value = kv.substr(eq + 1);
  bool shell = !value.empty() && value[0] == '!';
  if (shell) value.erase(0, 1);
  if (key.rfind("alias.", 0) == 0 && !shell) {
    g->aliases[key.substr(6)] = value;  // another git subcommand
    return;
  }
  parse_into(value, depth + 1, out);
}

}  // namespace

Code unwrap_git(const ParsedCommand& c, const CommandIo& io, int depth, ParsedScript* out) {
  const std::vector<std::string>& a = c.argv;
  GitConfig g;
  size_t i = 1;
  while (i < a.size() && a[i].size() > 1 && a[i][0] == '-') {
    const std::string& x = a[i];
    size_t eq = x.rfind("--", 0) == 0 ? x.find('=') : std::string::npos;
    std::string name = x.substr(0, eq);
    bool separate = eq == std::string::npos && takes_value(name);
    if (separate && i + 1 >= a.size()) return g.code;
    if (name == "-c" || name == "--config-env") {
      size_t v = separate ? i + 1 : i;
      std::string kv = separate ? a[v] : x.substr(eq + 1);
      read_config(kv, c.dynamic[v], name == "--config-env", depth, out, &g);
    }
    i += separate ? 2 : 1;
  }
  if (i >= a.size()) return g.code;
  std::vector<std::string> argv{a[0]};
  std::vector<bool> dyn{c.dynamic[0]};
  std::vector<Feed> feeds{io.words.empty() ? Feed{} : io.words[0]};
  size_t rest = i;
  auto alias = c.dynamic[i] ? g.aliases.end() : g.aliases.find(a[i]);
  if (alias != g.aliases.end()) {  // git -c alias.p=push p -> git push
    ParsedScript words = parse_shell(alias->second);
    if (words.commands.empty()) return g.code;
    for (auto& w : words.commands[0].argv) {
      argv.push_back(std::move(w));
      dyn.push_back(false);
      feeds.emplace_back();
    }
    ++rest;
  } else if (i == 1) {
    return g.code;  // no global options: this command is already `git SUBCOMMAND ...`
  }
  for (size_t j = rest; j < a.size(); ++j) {
    argv.push_back(a[j]);
    dyn.push_back(c.dynamic[j]);
    feeds.push_back(j < io.words.size() ? io.words[j] : Feed{});
  }
  if (argv.size() < 2) return g.code;
  ParsedCommand inner;
  inner.argv = std::move(argv);
  inner.dynamic = std::move(dyn);
  inner.dynamic_program = inner.dynamic[0];
  inner.from_wrapper = true;
  emit_command(std::move(inner), CommandIo{io.in, std::move(feeds)}, depth + 1, out);
  return g.code;
}

}  // namespace agent::policy::detail
