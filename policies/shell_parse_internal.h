// Shared between the lexer (shell_parse.cpp) and the wrapper unwrapping
// (command_unwrap.cpp): each may call the other for nested scripts.
#pragma once

#include <string_view>

#include "policies/shell_parse.h"

namespace agent::policy::detail {

// Nested scripts deeper than this are not followed (the last level is marked incomplete).
inline constexpr int kMaxDepth = 8;

void parse_into(std::string_view script, int depth, ParsedScript* out);

// Adds `cmd` and, when it is a wrapper or a shell with -c, what it runs.
void emit_command(ParsedCommand cmd, int depth, ParsedScript* out);

}  // namespace agent::policy::detail
