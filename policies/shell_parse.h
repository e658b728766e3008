// Reading a bash command line the way policies need it: every simple command it would run,
// as an argv after quote removal, wherever it hides — `;`, `&&`, `||`, `|`, `&`, newlines,
// subshells and braces, if/while/for bodies, command and process substitutions ($(...),
// backticks, <(...)), heredoc bodies that expand, the strings given to `bash -c`, `sh -c`,
// `eval`, `trap`, `env -S`, `watch`, `flock -c`, and the text a shell reads as its script
// when it is known (`bash <<< 'text'`, a heredoc, `echo 'text' | sh`, `source <(echo ..)`) —
// and through wrappers that run another command (env, timeout, nice, nohup, setsid, stdbuf,
// time, command, exec, xargs, sudo, find -exec, busybox, ...) and git's global options
// (`git -C dir push` also lists `git push`), whose inner command is listed too.
//
// This is policy input, not a security boundary: a script file or `python -c` can still run
// anything (the sandbox is what contains commands). Words whose value is only known at run
// time ($VAR, $(...), unquoted globs) are marked so a policy can refuse to guess, and so is
// shell code only known at run time (a shell reading a pipe from any other command, eval of
// an expansion).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace agent::policy {

struct ParsedCommand {
  std::vector<std::string> argv;  // argv[0] as written (basename taken by the matcher)
  std::vector<bool> dynamic;      // per word: holds an expansion or a glob (value unknown)
  bool dynamic_program = false;   // dynamic[0]
  bool from_wrapper = false;      // found as the inner command of a wrapper or -c string
  bool opaque = false;            // runs code not visible here: a shell reading a script
                                  // file, an interpreter (python, node, perl, ...)
  bool hidden_code = false;       // a shell runs code that is only known at run time: read
                                  // from a pipe or `<(..)` of any command but a literal echo,
                                  // or text with expansions (`eval "$X"`, `bash -c "$X"`)
};

struct ParsedScript {
  std::vector<ParsedCommand> commands;
  bool complete = true;           // false: unterminated quote or substitution
};

ParsedScript parse_shell(std::string_view script);

// The program name a rule compares: the last path component ("/usr/bin/rm" -> "rm").
std::string program_name(const std::string& word);

}  // namespace agent::policy
