// Text run as shell code: `bash -c`, a shell's script operand or stdin, `source`, `eval`,
// `trap`, `env -S`, `watch`, `flock -c`. Code whose text is here (a -c string, a here-string,
// a heredoc, a literal echo piped in) is parsed like the command line itself. Code that is
// only known at run time (a pipe from `curl` or `cat`, `eval "$X"`, `bash -c "$X"`) cannot be
// checked: it is reported as hidden, which a policy that restricts anything asks about.
#include <cstring>

#include "policies/shell_parse_internal.h"

namespace agent::policy::detail {

namespace {

using Argv = std::vector<std::string>;

const char* const kShells[] = {"bash", "sh", "dash", "zsh", "ksh", "mksh", "ash", "yash", "rbash", "fish"};

bool is_shell(const std::string& prog) {
  for (const char* sh : kShells) {
    if (prog == sh) return true;
  }
  return false;
}

void parse_nested(const std::string& script, int depth, ParsedScript* out) {
  parse_into(script, depth + 1, out);
}

Code from_feed(const Feed& f, int depth, ParsedScript* out) {
  switch (f.kind) {
    case Feed::Kind::kText:
      parse_nested(f.text, depth, out);
      return f.dynamic ? Code::kHidden : Code::kNone;
    case Feed::Kind::kFile: return Code::kOpaque;
    case Feed::Kind::kNone:    // inherited: a group or loop may be reading a pipe
    case Feed::Kind::kHidden: return Code::kHidden;
  }
  return Code::kHidden;
}

// argv[i] is code: parsed; with expansions in it, only part of it is known.
Code from_word(const ParsedCommand& c, size_t i, int depth, ParsedScript* out) {
  parse_nested(c.argv[i], depth, out);
  return c.dynamic[i] ? Code::kHidden : Code::kNone;
}

bool is_stdin_path(const std::string& p) {
  return p == "-" || p == "/dev/stdin" || p == "/dev/fd/0" || p == "/proc/self/fd/0";
}

// A script operand: a file, or what `<(..)` or stdin holds.
Code from_operand(const ParsedCommand& c, const CommandIo& io, size_t i, int depth, ParsedScript* out) {
  if (i < io.words.size() && io.words[i].kind != Feed::Kind::kNone) return from_feed(io.words[i], depth, out);
  if (!c.dynamic[i] && is_stdin_path(c.argv[i])) return from_feed(io.in, depth, out);
  return Code::kOpaque;
}

// sh -c 'script' / bash -lc 'script' / bash script.sh / bash -s / bash < file / bash <<< text.
Code unwrap_shell(const ParsedCommand& c, const CommandIo& io, int depth, ParsedScript* out) {
  const Argv& a = c.argv;
  bool has_c = false, has_s = false;
  size_t operand = a.size();
  for (size_t i = 1; i < a.size(); ++i) {
    const std::string& x = a[i];
    if (x == "--rcfile" || x == "--init-file") { ++i; continue; }
    if (x == "--" || x == "-") { operand = x == "-" ? i : i + 1; break; }
    if (x.size() > 1 && (x[0] == '-' || x[0] == '+') && x.rfind("--", 0) != 0) {
      if (x[0] == '-') {
        has_c = has_c || x.find('c') != std::string::npos;
        has_s = has_s || x.find('s') != std::string::npos;
      }
      if (x.back() == 'o' || x.back() == 'O') ++i;  // -o pipefail, -eo pipefail, +O extglob
      continue;
    }
    if (x.rfind("--", 0) == 0) continue;
    operand = i;
    break;
  }
  bool has_operand = operand < a.size();
  if (has_c) return has_operand ? from_word(c, operand, depth, out) : Code::kHidden;  // xargs sh -c
  if (has_s || !has_operand) return from_feed(io.in, depth, out);
  return from_operand(c, io, operand, depth, out);
}

std::string join_from(const Argv& a, size_t from) {
  std::string s;
  for (size_t i = from; i < a.size(); ++i) s += (i > from ? " " : "") + a[i];
  return s;
}

bool any_dynamic(const ParsedCommand& c, size_t from) {
  for (size_t i = from; i < c.dynamic.size(); ++i) {
    if (c.dynamic[i]) return true;
  }
  return false;
}

Code from_words(const ParsedCommand& c, size_t from, int depth, ParsedScript* out) {
  if (from >= c.argv.size()) return Code::kNone;
  parse_nested(join_from(c.argv, from), depth, out);
  return any_dynamic(c, from) ? Code::kHidden : Code::kNone;
}

// trap [-lpP] [--] [action signal...]: the action is code when a signal follows it.
Code unwrap_trap(const ParsedCommand& c, int depth, ParsedScript* out) {
  const Argv& a = c.argv;
  size_t i = 1;
  for (; i < a.size() && a[i].size() > 1 && a[i][0] == '-'; ++i) {
    if (a[i] == "--") { ++i; break; }
    return Code::kNone;  // -l, -p, -P list traps
  }
  if (i + 1 >= a.size() || a[i].empty() || a[i] == "-") return Code::kNone;
  return from_word(c, i, depth, out);
}

}  // namespace

bool unwrap_script(const ParsedCommand& c, const std::string& prog, const CommandIo& io, int depth,
                   ParsedScript* out, Code* code) {
  const Argv& a = c.argv;
  *code = Code::kNone;
  if (is_shell(prog)) {
    *code = unwrap_shell(c, io, depth, out);
    return true;
  }
  if (prog == "source" || prog == ".") {
    size_t i = 1;
    if (i < a.size() && a[i] == "--") ++i;
    if (i + 1 < a.size() && a[i] == "-p") i += 2;  // bash 5.3: source -p PATH file
    if (i < a.size()) *code = from_operand(c, io, i, depth, out);
    return true;
  }
  if (prog == "eval") {
    *code = from_words(c, 1, depth, out);
    return true;
  }
  if (prog == "trap") {
    *code = unwrap_trap(c, depth, out);
    return true;
  }
  if (prog == "watch") {
    size_t i = 1;
    while (i < a.size() && !a[i].empty() && a[i][0] == '-') {
      i += (a[i] == "-n" || a[i] == "--interval" || a[i] == "-q") ? 2 : 1;
    }
    *code = from_words(c, i, depth, out);
    return true;
  }
  const bool dash_c = prog == "flock" || prog == "script" || prog == "su" || prog == "runuser";
  for (size_t i = 1; i + 1 < a.size(); ++i) {
    const std::string& x = a[i];
    bool short_c = x.size() > 1 && x[0] == '-' && x[1] != '-' && x.back() == 'c';  // -c, -qc
    bool script_option = (prog == "env" && (x == "-S" || x == "--split-string")) ||
                         (dash_c && (short_c || x == "--command"));
    if (script_option) {
      *code = from_word(c, i + 1, depth, out);
      return true;
    }
  }
  return false;
}

Feed echo_output(const std::vector<std::string>& argv, const std::vector<bool>& dynamic) {
  const Feed hidden{Feed::Kind::kHidden, "", false};
  if (argv.empty() || dynamic[0] || program_name(argv[0]) != "echo") return hidden;
  size_t i = 1;
  for (; i < argv.size(); ++i) {
    const std::string& x = argv[i];
    if (x.size() < 2 || x[0] != '-' || x.find_first_not_of("neE", 1) != std::string::npos) break;
    if (x.find('e') != std::string::npos) return hidden;  // escapes: the text is not the words
  }
  Feed f{Feed::Kind::kText, "", false};
  for (size_t j = i; j < argv.size(); ++j) {
    if (argv[j].find('\\') != std::string::npos) return hidden;  // dash's echo expands escapes
    f.text += (j > i ? " " : "") + argv[j];
    f.dynamic = f.dynamic || dynamic[j];
  }
  f.text += '\n';
  return f;
}

Feed script_output(std::string_view script, int depth) {
  if (depth + 1 >= kMaxDepth) return Feed{Feed::Kind::kHidden, "", false};
  ParsedScript tmp;
  parse_into(script, depth + 1, &tmp);
  if (!tmp.complete || tmp.commands.size() != 1) return Feed{Feed::Kind::kHidden, "", false};
  return echo_output(tmp.commands[0].argv, tmp.commands[0].dynamic);
}

}  // namespace agent::policy::detail
