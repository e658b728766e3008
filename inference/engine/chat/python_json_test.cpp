#include "inference/engine/chat/python_json.h"

#include <gtest/gtest.h>

namespace agent::engine {
namespace {

// Expected strings are what CPython 3 prints for repr(float) / json.dumps(..., ensure_ascii=False).
TEST(PythonJson, FloatReprMatchesPython) {
  const std::vector<std::pair<double, std::string>> cases = {
      {1.0, "1.0"},       {0.1, "0.1"},          {-2.5, "-2.5"},       {100.0, "100.0"},
      {1e16, "1e+16"},    {1e15, "1000000000000000.0"}, {1.5e16, "1.5e+16"},
      {0.0001, "0.0001"}, {1e-05, "1e-05"},      {2.5e-07, "2.5e-07"}, {0.0, "0.0"},
      {-0.0, "-0.0"},     {1.7976931348623157e308, "1.7976931348623157e+308"},
      {5e-324, "5e-324"}, {123456789.125, "123456789.125"}, {1.0 / 3, "0.3333333333333333"},
  };
  for (const auto& [d, want] : cases) EXPECT_EQ(python_float_repr(d), want) << want;
}

TEST(PythonJson, DumpsLikeJsonDumpsEnsureAsciiFalse) {
  OrderedJson j = OrderedJson::parse(
      R"({"z": 1, "a": [true, null, 2.0, -3, "é\u0001\n\"\\/\u007f"], "m": {}, "e": [], "u": 18446744073709551615})");
  EXPECT_EQ(python_json_dumps(j),
            "{\"z\": 1, \"a\": [true, null, 2.0, -3, \"é\\u0001\\n\\\"\\\\/\x7f\"], \"m\": {}, "
            "\"e\": [], \"u\": 18446744073709551615}");
  EXPECT_EQ(python_json_string("tab\there\b\f\r"), "\"tab\\there\\b\\f\\r\"");
}

}  // namespace
}  // namespace agent::engine
