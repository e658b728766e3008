// Wrappers: commands whose job is to run another command. For each, where its options end
// and the inner command starts (or which argument is a script to parse). Option letters that
// take a value are listed so that `timeout -s KILL 5 rm` finds `rm`, not `KILL`. Shells and
// other commands that run text as code are in script_unwrap.cpp, git in git_options.cpp.
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
const char* const kNumactlLong[] = {"--physcpubind", "--cpunodebind", "--membind", "--interleave", "--preferred", nullptr};
const char* const kSystemdRunLong[] = {"--unit", "--property", "--description", "--slice", "--uid", "--gid",
                                       "--nice", "--working-directory", "--setenv", "--machine", "--host", nullptr};
const char* const kNsenterLong[] = {"--target", nullptr};
const char* const kSetprivLong[] = {"--reuid", "--regid", "--ruid", "--rgid", "--euid", "--egid", "--groups", "--inh-caps",
                                    "--ambient-caps", "--bounding-set", "--securebits", "--pdeathsig",
                                    "--selinux-label", "--apparmor-profile", "--landlock-access", "--landlock-rule", nullptr};
const char* const kParallelLong[] = {"--jobs", "--arg-file", "--delimiter", "--joblog", "--results", nullptr};

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
    {"setarch", "", kNoLong, 1},          {"linux32", "", kNoLong, 0},
    {"linux64", "", kNoLong, 0},          {"prlimit", "p", kNoLong, 0},
    {"numactl", "CNmpi", kNumactlLong, 0},{"systemd-run", "pEuM", kSystemdRunLong, 0},
    {"nsenter", "tSG", kNsenterLong, 0},  {"firejail", "", kNoLong, 0},
    {"setpriv", "", kSetprivLong, 0},         {"cpulimit", "lpe", kNoLong, 0},
    {"parallel", "jadS", kParallelLong, 0},
};

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

// The inner command keeps the outer one's stdin and `<(..)` words; xargs's gets arguments
// read at run time (and /dev/null as stdin).
void emit_inner(const ParsedCommand& outer, const CommandIo& io, size_t from, size_t to, bool xargs,
                int depth, ParsedScript* out) {
  ParsedCommand c;
  auto b = static_cast<std::ptrdiff_t>(from), e = static_cast<std::ptrdiff_t>(to);
  c.argv.assign(outer.argv.begin() + b, outer.argv.begin() + e);
  c.dynamic.assign(outer.dynamic.begin() + b, outer.dynamic.begin() + e);
  c.dynamic_program = c.dynamic[0];
  c.from_wrapper = true;
  CommandIo inner;
  inner.in = xargs ? Feed{Feed::Kind::kFile, "", false} : io.in;
  for (size_t i = from; i < to && i < io.words.size(); ++i) inner.words.push_back(io.words[i]);
  emit_command(std::move(c), inner, depth + 1, out);
}

void unwrap_find(const ParsedCommand& c, const CommandIo& io, int depth, ParsedScript* out) {
  for (size_t i = 1; i < c.argv.size(); ++i) {
    const std::string& x = c.argv[i];
    if (x != "-exec" && x != "-execdir" && x != "-ok" && x != "-okdir") continue;
    size_t end = i + 1;
    while (end < c.argv.size() && c.argv[end] != ";" && c.argv[end] != "+") ++end;
    if (end > i + 1) emit_inner(c, io, i + 1, end, false, depth, out);
    i = end;
  }
}

// Interpreters whose program text a policy cannot read (a script file, -c/-e code).
const char* const kInterpreters[] = {"python", "python2", "python3", "perl", "ruby", "node",
                                     "php", "lua", "Rscript", "osascript", "tclsh", "awk",
                                     "gawk", "pwsh", "deno", "bun"};

// What `c` runs besides itself is emitted; returns how much of its code could be read.
Code unwrap(const ParsedCommand& c, const CommandIo& io, int depth, ParsedScript* out) {
  if (c.dynamic_program) return Code::kNone;
  std::string prog = program_name(c.argv[0]);
  Code code = Code::kNone;
  if (unwrap_script(c, prog, io, depth, out, &code)) return code;
  for (const char* in : kInterpreters) {
    if (prog == in || (prog.rfind(in, 0) == 0 && prog.find_first_not_of("0123456789.", std::strlen(in)) == std::string::npos)) return Code::kOpaque;
  }
  if (prog == "git") return unwrap_git(c, io, depth, out);
  if (prog == "find") {
    unwrap_find(c, io, depth, out);
    return Code::kNone;
  }
  for (const auto& w : kWrappers) {
    if (prog != w.name) continue;
    size_t at = inner_start(w, c.argv);
    if (at != kNone) emit_inner(c, io, at, c.argv.size(), prog == "xargs", depth, out);
    return Code::kNone;
  }
  return Code::kNone;
}

}  // namespace

void emit_command(ParsedCommand cmd, const CommandIo& io, int depth, ParsedScript* out) {
  if (cmd.argv.empty()) return;
  if (depth >= kMaxDepth) {
    out->commands.push_back(std::move(cmd));
    out->complete = false;
    return;
  }
  size_t index = out->commands.size();
  out->commands.push_back(cmd);
  // `cmd` (a copy) is read while unwrap() appends to out->commands.
  Code code = unwrap(cmd, io, depth, out);
  if (code == Code::kOpaque) out->commands[index].opaque = true;
  if (code == Code::kHidden) out->commands[index].hidden_code = true;
}

}  // namespace agent::policy::detail
