// Reading a tool's optional arguments. run() receives arguments already checked against the
// schema (types right, required present); an optional one may be absent or null.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/json.h"

namespace agent {

inline bool has_arg(const Json& args, const char* key) {
  return args.contains(key) && !args[key].is_null();
}

inline std::optional<int64_t> optional_int_arg(const Json& args, const char* key) {
  if (!has_arg(args, key)) return std::nullopt;
  return args[key].get<int64_t>();
}

inline std::string string_arg_or(const Json& args, const char* key, std::string fallback) {
  return has_arg(args, key) ? args[key].get<std::string>() : std::move(fallback);
}

inline bool bool_arg_or(const Json& args, const char* key, bool fallback) {
  return has_arg(args, key) ? args[key].get<bool>() : fallback;
}

}  // namespace agent
