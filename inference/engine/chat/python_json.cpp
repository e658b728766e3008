#include "inference/engine/chat/python_json.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace agent::engine {

namespace {

template <typename J>
void dump(const J& v, std::string* out) {
  switch (v.type()) {
    case nlohmann::json::value_t::null:
      out->append("null");
      return;
    case nlohmann::json::value_t::boolean:
      out->append(v.template get<bool>() ? "true" : "false");
      return;
    case nlohmann::json::value_t::number_integer:
      out->append(std::to_string(v.template get<int64_t>()));
      return;
    case nlohmann::json::value_t::number_unsigned:
      out->append(std::to_string(v.template get<uint64_t>()));
      return;
    case nlohmann::json::value_t::number_float:
      out->append(python_float_repr(v.template get<double>()));
      return;
    case nlohmann::json::value_t::string:
      out->append(python_json_string(v.template get_ref<const std::string&>()));
      return;
    case nlohmann::json::value_t::array: {
      out->push_back('[');
      bool first = true;
      for (const auto& e : v) {
        if (!first) out->append(", ");
        first = false;
        dump(e, out);
      }
      out->push_back(']');
      return;
    }
    case nlohmann::json::value_t::object: {
      out->push_back('{');
      bool first = true;
      for (const auto& [key, e] : v.items()) {
        if (!first) out->append(", ");
        first = false;
        out->append(python_json_string(key));
        out->append(": ");
        dump(e, out);
      }
      out->push_back('}');
      return;
    }
    case nlohmann::json::value_t::binary:
    case nlohmann::json::value_t::discarded:
      out->append("null");
      return;
  }
}

}  // namespace

std::string python_json_dumps(const OrderedJson& value) {
  std::string out;
  dump(value, &out);
  return out;
}

std::string python_json_dumps(const Json& value) {
  std::string out;
  dump(value, &out);
  return out;
}

std::string python_json_string(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      default:
        if (c < 0x20) {
          static const char kHex[] = "0123456789abcdef";
          out.append("\\u00");
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string python_float_repr(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  // Shortest round-trip digits, as Python's repr, then Python's layout: positional when the
  // decimal exponent is in [-4, 16), else d.ddde+XX with at least two exponent digits.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  std::string out;
  size_t i = 0;
  if (sci[0] == '-') {
    out.push_back('-');
    i = 1;
  }
  size_t e = sci.find('e');
  std::string digits;
  for (size_t k = i; k < e; ++k) {
    if (sci[k] != '.') digits.push_back(sci[k]);
  }
  int exp10 = std::atoi(sci.c_str() + e + 1);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  if (exp10 < -4 || exp10 >= 16) {
    out.push_back(digits[0]);
    if (digits.size() > 1) out.append(".").append(digits, 1);
    out.push_back('e');
    out.push_back(exp10 < 0 ? '-' : '+');
    int a = std::abs(exp10);
    if (a < 10) out.push_back('0');
    out.append(std::to_string(a));
  } else if (exp10 < 0) {
    out.append("0.").append(static_cast<size_t>(-exp10 - 1), '0').append(digits);
  } else {
    size_t point = static_cast<size_t>(exp10) + 1;
    if (digits.size() <= point) {
      out.append(digits).append(point - digits.size(), '0').append(".0");
    } else {
      out.append(digits, 0, point).append(".").append(digits, point);
    }
  }
  return out;
}

}  // namespace agent::engine
