// JSON text exactly as Python's json.dumps(value, ensure_ascii=False) writes it, which is what
// the official DeepSeek V4 encoder puts in prompts (tool schemas, non-string tool arguments,
// response formats): ", " and ": " separators, keys in their given order, non-ASCII kept,
// control characters as \u00XX (lower-case hex), floats as Python's repr (1.0, 1e-05, 1e+16).
//
// Known differences: integers beyond 64 bits (nlohmann parses them as doubles, Python keeps
// them exact) and NaN/Infinity (not JSON; nlohmann refuses them where Python accepts them).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/json.h"

namespace agent::engine {

std::string python_json_dumps(const OrderedJson& value);
std::string python_json_dumps(const Json& value);
// A JSON string literal of `s` (quotes included). Invalid UTF-8 bytes pass through unchanged.
std::string python_json_string(std::string_view s);
// Python's repr() of a float.
std::string python_float_repr(double d);

}  // namespace agent::engine
