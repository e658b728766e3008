#include "common/json.h"

namespace agent {

namespace {
template <typename J>
Result<J> parse_impl(std::string_view text, std::string_view what) {
  try {
    return J::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    std::string msg(what);
    msg += ": invalid JSON (";
    msg += e.what();
    msg += ")";
    return invalid_argument(std::move(msg));
  }
}
}  // namespace

Result<Json> parse_json(std::string_view text, std::string_view what) {
  return parse_impl<Json>(text, what);
}

Result<OrderedJson> parse_ordered_json(std::string_view text, std::string_view what) {
  return parse_impl<OrderedJson>(text, what);
}

std::string dump_json(const Json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string dump_json(const OrderedJson& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string_view json_type_name(const Json& j) { return j.type_name(); }

static Status field_error(std::string_view where, std::string_view key, std::string_view want,
                          const Json& got) {
  std::string m(where);
  m += ": field \"";
  m += key;
  m += "\" must be ";
  m += want;
  m += ", got ";
  m += got.type_name();
  return invalid_argument(std::move(m));
}

Result<std::string> get_string(const Json& obj, std::string_view key, std::string_view where) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    return invalid_argument(std::string(where) + ": missing required field \"" + std::string(key) +
                            "\"");
  }
  if (!it->is_string()) return field_error(where, key, "a string", *it);
  return it->get<std::string>();
}

Result<std::string> get_string_or(const Json& obj, std::string_view key, std::string fallback,
                                  std::string_view where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fallback;
  if (!it->is_string()) return field_error(where, key, "a string", *it);
  return it->get<std::string>();
}

Result<int64_t> get_int_or(const Json& obj, std::string_view key, int64_t fallback,
                           std::string_view where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) return field_error(where, key, "an integer", *it);
  return it->get<int64_t>();
}

Result<bool> get_bool_or(const Json& obj, std::string_view key, bool fallback,
                         std::string_view where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) return field_error(where, key, "a boolean", *it);
  return it->get<bool>();
}

}  // namespace agent
