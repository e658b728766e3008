// Factories for the built-in tools, one per file (<name>_tool.cpp), and their registration.
#pragma once

#include <memory>

#include "tools/tool.h"

namespace agent {

class ToolRegistry;

std::unique_ptr<Tool> make_shell_tool();
std::unique_ptr<Tool> make_read_file_tool();
std::unique_ptr<Tool> make_write_file_tool();
std::unique_ptr<Tool> make_edit_file_tool();
std::unique_ptr<Tool> make_apply_patch_tool();
std::unique_ptr<Tool> make_search_tool();
std::unique_ptr<Tool> make_list_files_tool();

// Adds every built-in tool to `registry`, in the order the model sees them.
void add_builtin_tools(ToolRegistry& registry);

}  // namespace agent
