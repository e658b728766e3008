#include "tools/builtin_tools.h"

#include "tools/tool_registry.h"

namespace agent {

void add_builtin_tools(ToolRegistry& registry) {
  registry.add(make_shell_tool());
}

}  // namespace agent
