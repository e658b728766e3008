// The first two messages of a run: the system prompt (how to work, the tools, and the
// repository's AGENTS.md when present) and the user message carrying the issue.
//
// Both are built once when a run starts and recorded in the journal, so every request of the
// run (resumes included) starts with the same bytes: no timestamps or volatile state here.
// Thread-safety: reentrant.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/protocol.h"
#include "common/status.h"

namespace agent {

// AGENTS.md files from the repository root (AGENTS.override.md wins over AGENTS.md in a
// folder), capped at `max_bytes` in all. Empty when there are none.
std::string load_project_instructions(const std::filesystem::path& repo, size_t max_bytes = 32768);

std::string build_system_prompt(const std::vector<ToolSpec>& tools,
                                const std::string& project_instructions);

std::string build_issue_message(const std::string& issue_text);

}  // namespace agent
