// Glob: the file-name patterns search and list_files accept ("*.py", "src/**/*.ts",
// "*.{h,cpp}").
//
// Syntax: `*` any run of characters except '/', `**` any run including '/' (as a whole
// component, `**/` also matches no folder at all), `?` one character (a UTF-8 character, not a
// byte), `[abc]`, `[a-z]`, `[!a-z]` / `[^a-z]` one character of a class, `{a,b}` alternatives
// (nestable), `\x` a literal x. A pattern without '/' matches the file name at any depth, the
// way .gitignore and ripgrep read "*.py"; a pattern with '/' matches the whole relative path
// (a leading "/" or "./" is ignored).
// Knows nothing of the file system. Thread-safety: immutable after compile().
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace agent {

class Glob {
 public:
  // Fails with InvalidArgument (a message for the model) on an unclosed '[' or '{', an empty
  // pattern, or one with too many {..} alternatives.
  static Result<Glob> compile(std::string_view pattern);

  // `rel_path` is '/'-separated and relative ("src/a/b.ts").
  bool matches(std::string_view rel_path) const;

  const std::string& pattern() const { return pattern_; }

 private:
  struct Token {
    enum Kind { kLiteral, kAnyChar, kStar, kGlobstar, kGlobstarSlash, kClass } kind = kLiteral;
    char literal = 0;
    bool negated = false;
    std::vector<std::pair<char32_t, char32_t>> ranges;  // kClass, inclusive
  };
  struct Alternative {
    std::vector<Token> tokens;
    bool basename_only = false;
  };
  static Result<Alternative> compile_alternative(std::string_view pattern);
  static bool match_tokens(const std::vector<Token>& tokens, std::string_view s);

  std::string pattern_;
  std::vector<Alternative> alternatives_;  // one per {..} expansion
};

}  // namespace agent
