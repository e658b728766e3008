#include "tools/builtin_tools.h"

#include "tools/git/git_tools.h"
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
  registry.add(make_git_status_tool());
  registry.add(make_git_diff_tool());
  registry.add(make_git_log_tool());
  registry.add(make_git_commit_tool());
}

}  // namespace agent
