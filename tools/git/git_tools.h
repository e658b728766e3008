// Factories for the model's git tools (git_status, git_diff, git_log, git_commit).
#pragma once

#include <memory>

#include "tools/tool.h"

namespace agent {

std::unique_ptr<Tool> make_git_status_tool();
std::unique_ptr<Tool> make_git_diff_tool();
std::unique_ptr<Tool> make_git_log_tool();
std::unique_ptr<Tool> make_git_commit_tool();

}  // namespace agent
