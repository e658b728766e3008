// ToolRegistry: the tools of a run, by name, and the checks every call goes through before a
// tool sees it (arguments are a JSON object matching the tool's schema).
// Thread-safety: immutable after construction.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "tools/tool.h"

namespace agent {

class ToolRegistry {
 public:
  void add(std::unique_ptr<Tool> tool);
  Tool* find(std::string_view name) const;
  const std::vector<ToolSpec>& specs() const { return specs_; }
  std::vector<std::string> names() const;

  // Parses a call's raw arguments and checks them against the tool's schema. The error text
  // is written for the model (what is wrong, what is expected).
  Result<Json> parse_arguments(const Tool& tool, std::string_view raw) const;

 private:
  std::vector<std::unique_ptr<Tool>> tools_;
  std::vector<ToolSpec> specs_;
};

// Checks `args` against a JSON schema of the subset tools use: type object, properties with
// types string/integer/number/boolean/array/object, required, no additional properties.
Status validate_arguments(const Json& schema, const Json& args);

// Every built-in tool: shell, read_file, write_file, edit_file, apply_patch, search,
// list_files (git tools are added by the git issue).
ToolRegistry make_default_registry();

}  // namespace agent
