// JSON helpers on nlohmann::json: parsing that reports errors as Status, typed field access
// that names the bad field. Every layer uses these instead of catching nlohmann exceptions.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace agent {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// Parses `text`; the error names `what` (a file, a line, a field) and the parser's position.
Result<Json> parse_json(std::string_view text, std::string_view what);
Result<OrderedJson> parse_ordered_json(std::string_view text, std::string_view what);

// Compact serialisation that never throws: invalid UTF-8 is replaced with U+FFFD.
std::string dump_json(const Json& j);
std::string dump_json(const OrderedJson& j);

// Typed accessors for a required or optional field of an object. `where` names the object
// in error messages ("script line 3").
Result<std::string> get_string(const Json& obj, std::string_view key, std::string_view where);
Result<std::string> get_string_or(const Json& obj, std::string_view key, std::string fallback,
                                  std::string_view where);
Result<int64_t> get_int_or(const Json& obj, std::string_view key, int64_t fallback,
                           std::string_view where);
Result<bool> get_bool_or(const Json& obj, std::string_view key, bool fallback,
                         std::string_view where);

// "string", "object", ... for messages.
std::string_view json_type_name(const Json& j);

}  // namespace agent
