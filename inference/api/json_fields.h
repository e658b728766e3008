// Lenient field access for provider JSON (stream chunks, usage objects): servers differ in
// which fields they send and send null for absent ones, so a missing or mistyped field reads
// as "absent" here and the decoders decide what is required.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "common/json.h"

namespace agent::api {

inline const Json* field(const Json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

inline int64_t int_field(const Json& obj, const char* key) {
  const Json* f = field(obj, key);
  if (f == nullptr || !f->is_number()) return 0;
  if (f->is_number_float()) return static_cast<int64_t>(f->get<double>());
  return f->get<int64_t>();
}

inline const std::string* str_field(const Json& obj, const char* key) {
  const Json* f = field(obj, key);
  return f != nullptr && f->is_string() ? &f->get_ref<const std::string&>() : nullptr;
}

}  // namespace agent::api
