// Wrappers: commands whose job is to run another command. For each, where its options end
// and the inner command starts (or which argument is a script to parse). Option letters that
// take a value are listed so that `timeout -s KILL 5 rm` finds `rm`, not `KILL`.
#include <cstring>

#include "policies/shell_parse_internal.h"

namespace agent::policy::detail {

namespace {

using Argv = std::vector<std::string>;
constexpr size_t kNone = static_cast<size_t>(-1);

struct Wrapper {
  const char* name;
  const char* short_with_arg;  // option letters that take the next word as value
  const char* const* long_with_arg;
  int params;                  // plain arguments before the command (timeout's duration)
};

const char* const kNoLong[] = {nullptr};
const char* const kSudoLong[] = {"--user", "--group", "--chdir", "--close-from", "--host", "--prompt", "--role", "--type", "--other-user", "--command-timeout", nullptr};
const char* const kEnvLong[] = {"--unset", "--chdir", nullptr};
const char* const kTimeoutLong[] = {"--signal", "--kill-after", nullptr};
const char* const kXargsLong[] = {"--arg-file", "--delimiter", "--max-lines", "--max-args", "--max-procs", "--max-chars", "--replace", "--eof", "--process-slot-var", nullptr};
const char* const kStraceLong[] = {"--output", "--trace", "--signal", "--attach", nullptr};

const Wrapper kWrappers[] = {
    {"sudo", "ugCDhprtUT", kSudoLong, 0}, {"doas", "uC", kNoLong, 0},
    {"env", "uCS", kEnvLong, 0},          {"timeout", "sk", kTimeoutLong, 1},
    {"nice", "n", kNoLong, 0},            {"ionice", "cnp", kNoLong, 0},
    {"taskset", "", kNoLong, 1},          {"chrt", "", kNoLong, 1},
    {"nohup", "", kNoLong, 0},            {"setsid", "", kNoLong, 0},
    {"stdbuf", "ioe", kNoLong, 0},        {"time", "fo", kNoLong, 0},
    {"command", "", kNoLong, 0},          {"builtin", "", kNoLong, 0},
    {"exec", "a", kNoLong, 0},            {"xargs", "IELnPsdae", kXargsLong, 0},
    {"unbuffer", "", kNoLong, 0},         {"strace", "oepsSIbuEPX", kStraceLong, 0},
    {"ltrace", "oenspSu", kNoLong, 0},    {"valgrind", "", kNoLong, 0},
    {"eatmydata", "", kNoLong, 0},        {"nocache", "", kNoLong, 0},
    {"faketime", "", kNoLong, 1},         {"chroot", "", kNoLong, 1},
    {"proxychains", "f", kNoLong, 0},     {"proxychains4", "f", kNoLong, 0},
    {"torsocks", "uapP", kNoLong, 0},     {"catchsegv", "", kNoLong, 0},
    {"flock", "wE", kNoLong, 1},          {"busybox", "", kNoLong, 0},
    {"caffeinate", "tw", kNoLong, 0},     {"unshare", "", kNoLong, 0},
};

const char* const kShells[] = {"bash", "sh", "dash", "zsh", "ksh", "mksh", "ash", "yash", "rbash", "fish"};

bool takes_value(const Wrapper& w, const std::string& opt) {
  if (opt.rfind("--", 0) == 0) {
    if (opt.find('=') != std::string::npos) return false;
    for (const char* const* l = w.long_with_arg; *l; ++l) if (opt == *l) return true;
    return false;
  }
  // "-Eu" takes a value if its last letter does and the value is not attached.
  return opt.size() >= 2 && std::strchr(w.short_with_arg, opt.back()) != nullptr;
}

// Index where the wrapped command starts, or kNone.
size_t inner_start(const Wrapper& w, const Argv& a) {
  size_t i = 1;
  const std::string name = w.name;
  while (i < a.size()) {
    const std::string& x = a[i];
    if (x == "--") { ++i; break; }
    if (name == "env" && x.find('=') != std::string::npos && x[0] != '-') { ++i; continue; }
    if (x.size() < 2 || x[0] != '-') break;
    if (name == "command" && (x == "-v" || x == "-V")) return kNone;  // lookup, runs nothing
    if (name == "xargs" && x.rfind("--", 0) != 0 && x.size() == 2 && std::strchr("ie", x[1])) { ++i; continue; }
    i += takes_value(w, x) ? 2 : 1;
  }
  i += static_cast<size_t>(w.params);
  if (name == "taskset" && i > 1 && i - 1 < a.size() && a[i - 1] == "-p") return kNone;
  return i < a.size() ? i : kNone;
}

void emit_inner(const ParsedCommand& outer, size_t from, int depth, ParsedScript* out) {
  ParsedCommand c;
  c.argv.assign(outer.argv.begin() + static_cast<std::ptrdiff_t>(from), outer.argv.end());
  c.dynamic.assign(outer.dynamic.begin() + static_cast<std::ptrdiff_t>(from), outer.dynamic.end());
  c.dynamic_program = c.dynamic[0];
  c.from_wrapper = true;
  emit_command(std::move(c), depth + 1, out);
}

void parse_nested(const std::string& script, int depth, ParsedScript* out) {
  parse_into(script, depth + 1, out);
}

// sh -c 'script' / bash -lc 'script': the script is parsed; sh script.sh cannot be seen into.
// Returns false when the shell reads its script from a file or stdin (not visible here).
bool unwrap_shell(const ParsedCommand& c, int depth, ParsedScript* out) {
  bool has_c = false;
  for (size_t i = 1; i < c.argv.size(); ++i) {
    const std::string& x = c.argv[i];
    if (x == "-o" || x == "+o" || x == "-O" || x == "+O" || x == "--rcfile" || x == "--init-file") { ++i; continue; }
    if ((x[0] == '-' || x[0] == '+') && x.size() > 1 && x.rfind("--", 0) != 0) {
      if (x[0] == '-' && x.find('c') != std::string::npos) has_c = true;
      continue;
    }
    if (x.rfind("--", 0) == 0) continue;
    if (!has_c) return false;
    parse_nested(x, depth, out);
    return true;
  }
  return false;
}

void unwrap_find(const ParsedCommand& c, int depth, ParsedScript* out) {
  for (size_t i = 1; i < c.argv.size(); ++i) {
    const std::string& x = c.argv[i];
    if (x != "-exec" && x != "-execdir" && x != "-ok" && x != "-okdir") continue;
    size_t end = i + 1;
    while (end < c.argv.size() && c.argv[end] != ";" && c.argv[end] != "+") ++end;
    if (end > i + 1) {
      ParsedCommand inner;
      inner.argv.assign(c.argv.begin() + static_cast<std::ptrdiff_t>(i + 1), c.argv.begin() + static_cast<std::ptrdiff_t>(end));
      inner.dynamic.assign(c.dynamic.begin() + static_cast<std::ptrdiff_t>(i + 1), c.dynamic.begin() + static_cast<std::ptrdiff_t>(end));
      inner.dynamic_program = inner.dynamic[0];
      inner.from_wrapper = true;
      emit_command(std::move(inner), depth + 1, out);
    }
    i = end;
  }
}

std::string join_from(const Argv& a, size_t from) {
  std::string s;
  for (size_t i = from; i < a.size(); ++i) s += (i > from ? " " : "") + a[i];
  return s;
}

// Script-like arguments: eval's words, env -S, watch's words, flock -c.
bool unwrap_script_args(const ParsedCommand& c, const std::string& prog, int depth, ParsedScript* out) {
  const Argv& a = c.argv;
  if (prog == "eval") {
    parse_nested(join_from(a, 1), depth, out);
    return true;
  }
  if (prog == "watch") {
    size_t i = 1;
    while (i < a.size() && a[i][0] == '-') i += (a[i] == "-n" || a[i] == "--interval" || a[i] == "-q") ? 2 : 1;
    if (i < a.size()) parse_nested(join_from(a, i), depth, out);
    return true;
  }
  for (size_t i = 1; i + 1 < a.size(); ++i) {
    if ((prog == "env" && (a[i] == "-S" || a[i] == "--split-string")) ||
        (prog == "flock" && (a[i] == "-c" || a[i] == "--command"))) {
      parse_nested(a[i + 1], depth, out);
      return true;
    }
  }
  return false;
}

// Interpreters whose program text a policy cannot read (a script file, -c/-e code).
const char* const kInterpreters[] = {"python", "python2", "python3", "perl", "ruby", "node",
                                     "php", "lua", "Rscript", "osascript", "tclsh", "awk",
                                     "gawk", "pwsh", "deno", "bun"};

// Returns true when `c` runs code this parser cannot see.
bool unwrap(const ParsedCommand& c, int depth, ParsedScript* out) {
  if (c.dynamic_program) return false;
  std::string prog = program_name(c.argv[0]);
  for (const char* sh : kShells) {
    if (prog == sh) return !unwrap_shell(c, depth, out);
  }
  for (const char* in : kInterpreters) {
    if (prog == in || (prog.rfind(in, 0) == 0 && prog.find_first_not_of("0123456789.", std::strlen(in)) == std::string::npos)) return true;
  }
  if (prog == "find") {
    unwrap_find(c, depth, out);
    return false;
  }
  if (unwrap_script_args(c, prog, depth, out)) return false;
  for (const auto& w : kWrappers) {
    if (prog != w.name) continue;
    size_t at = inner_start(w, c.argv);
    if (at != kNone) emit_inner(c, at, depth, out);
    return false;
  }
  return false;
}

}  // namespace

void emit_command(ParsedCommand cmd, int depth, ParsedScript* out) {
  if (cmd.argv.empty()) return;
  if (depth >= kMaxDepth) {
    out->commands.push_back(std::move(cmd));
    out->complete = false;
    return;
  }
  size_t index = out->commands.size();
  out->commands.push_back(cmd);
  // `cmd` (a copy) is read while unwrap() appends to out->commands.
  if (unwrap(cmd, depth, out)) out->commands[index].opaque = true;
}

}  // namespace agent::policy::detail
