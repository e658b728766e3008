// Shared between the lexer (shell_parse.cpp), the wrapper unwrapping (command_unwrap.cpp) and
// the reading of code fed to shells (script_unwrap.cpp): each may call the others for nested
// scripts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policies/shell_parse.h"

namespace agent::policy::detail {

// Nested scripts deeper than this are not followed (the last level is marked incomplete).
inline constexpr int kMaxDepth = 8;

// What a command reads from its standard input, or what the file a `<(..)` word names holds:
// what a shell given it as its script would run.
struct Feed {
  enum class Kind {
    kNone,    // stdin: inherited from whatever encloses the command (unknown here);
              // a word: not a process substitution
    kText,    // known text: a here-string, a heredoc body, what a literal `echo` prints
    kHidden,  // produced at run time: a pipe from any other command, `<(curl ..)`
    kFile,    // a file (`< script.sh`), or arguments appended at run time (xargs)
  };
  Kind kind = Kind::kNone;
  std::string text;      // kText
  bool dynamic = false;  // kText: holds expansions ($X, $(..)), so only part of it is known
};

struct CommandIo {
  Feed in;                  // standard input
  std::vector<Feed> words;  // per argv word (may be shorter than argv: the rest are kNone)
};

void parse_into(std::string_view script, int depth, ParsedScript* out);

// Adds `cmd` and, when it is a wrapper or a shell with -c, what it runs.
void emit_command(ParsedCommand cmd, const CommandIo& io, int depth, ParsedScript* out);

// What `echo ARGS` prints when its words say it (kText), else kHidden: any other program,
// `-e` or a backslash (escapes: dash's echo expands them always).
Feed echo_output(const std::vector<std::string>& argv, const std::vector<bool>& dynamic);

// What `<(script)` / a pipe from `script` produces: echo_output of a script that is one echo.
Feed script_output(std::string_view script, int depth);

// How a command's code was found, for the shells and builtins that run text as code.
enum class Code {
  kNone,    // runs no code of its own, or all of it was parsed
  kOpaque,  // from a file or another language (defaults.opaque)
  kHidden,  // shell code only known at run time (ask when the policy restricts anything)
};

// Shells (bash -c, bash < file, bash <<< text), source/., eval, trap, env -S, watch,
// flock -c, script -c. Returns false when `prog` is none of them.
bool unwrap_script(const ParsedCommand& c, const std::string& prog, const CommandIo& io, int depth,
                   ParsedScript* out, Code* code);

// git's global options (-C dir, -c k=v, --git-dir=, --no-pager, ...) before the subcommand:
// emits `git SUBCOMMAND ...` without them, and the code that config values such as
// alias.x=!cmd or core.pager=cmd would run.
Code unwrap_git(const ParsedCommand& c, const CommandIo& io, int depth, ParsedScript* out);

}  // namespace agent::policy::detail
