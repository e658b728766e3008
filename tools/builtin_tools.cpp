#include "tools/builtin_tools.h"

#include "tools/tool_registry.h"

namespace agent {

void add_builtin_tools(ToolRegistry& registry) {
  registry.add(make_shell_tool());
  registry.add(make_read_file_tool());
  registry.add(make_write_file_tool());
  registry.add(make_edit_file_tool());
  registry.add(make_apply_patch_tool());
  registry.add(make_search_tool());
  registry.add(make_list_files_tool());
}

}  // namespace agent
