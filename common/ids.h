// Random identifiers for runs and tool calls ("call_3f9a..."). Not for security.
#pragma once

#include <string>
#include <string_view>

namespace agent {

// prefix + 16 lowercase hex digits.
std::string new_id(std::string_view prefix);

}  // namespace agent
