#include "tools/tool_registry.h"

#include <gtest/gtest.h>

namespace agent {
namespace {

const Json kSchema = Json::parse(R"({
  "type": "object",
  "properties": {"path": {"type": "string"}, "limit": {"type": "integer"},
                 "paths": {"type": "array", "items": {"type": "string"}}},
  "required": ["path"]})");

TEST(ValidateArguments, TableOfCases) {
  struct Case {
    const char* args;
    const char* error;  // nullptr: valid
  } cases[] = {
      {R"({"path":"a"})", nullptr},
      {R"({"path":"a","limit":3})", nullptr},
      {R"({"path":"a","limit":null})", nullptr},
      {R"({})", "missing required argument \"path\""},
      {R"({"path":1})", "argument \"path\" must be a string, got number"},
      {R"({"path":"a","limit":"3"})", "argument \"limit\" must be an integer"},
      {R"({"path":"a","file":"b"})", "unknown argument \"file\" (the arguments are: limit, path, paths)"},
      {R"({"path":"a","paths":["x",2]})", "must be a list of strings"},
      {R"([1])", "arguments must be a JSON object"},
  };
  for (const auto& c : cases) {
    Status s = validate_arguments(kSchema, Json::parse(c.args));
    if (c.error == nullptr) {
      EXPECT_TRUE(s.ok()) << c.args << ": " << s.message();
    } else {
      EXPECT_FALSE(s.ok()) << c.args;
      EXPECT_NE(s.message().find(c.error), std::string::npos) << s.message();
    }
  }
}

TEST(ToolRegistry, ParsesRawArgumentsForTheModel) {
  ToolRegistry r = make_default_registry();
  Tool* shell = r.find("shell");
  ASSERT_NE(shell, nullptr);
  EXPECT_EQ(r.find("nope"), nullptr);
  EXPECT_TRUE(r.parse_arguments(*shell, R"({"command":"ls"})").ok());
  auto bad = r.parse_arguments(*shell, R"({"command": "ls")");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("not valid JSON"), std::string::npos);
  auto empty = r.parse_arguments(*shell, "");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("missing required argument \"command\""), std::string::npos);
}

}  // namespace
}  // namespace agent

namespace agent {
namespace {

// The model sees the tools in this order, and policies rely on `mutating` to ask before writes.
TEST(ToolRegistry, BuiltinToolsInOrderWithTheirMutatingFlags) {
  ToolRegistry r = make_default_registry();
  EXPECT_EQ(r.names(), (std::vector<std::string>{"shell", "read_file", "write_file", "edit_file",
                                                 "apply_patch", "search", "list_files", "git_status",
                                                 "git_diff", "git_log", "git_commit"}));
  for (const auto& spec : r.specs()) {
    bool read_only = spec.name == "read_file" || spec.name == "search" || spec.name == "list_files" ||
                     spec.name == "git_status" || spec.name == "git_diff" || spec.name == "git_log";
    EXPECT_EQ(spec.mutating, !read_only) << spec.name;
    EXPECT_EQ(spec.parameters["type"], "object") << spec.name;
    EXPECT_EQ(spec.parameters["additionalProperties"], false) << spec.name;
    EXPECT_FALSE(spec.description.empty()) << spec.name;
  }
}

}  // namespace
}  // namespace agent
