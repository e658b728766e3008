#include "agent/system_prompt.h"

#include "common/fs.h"
#include "common/text.h"

namespace agent {

std::string load_project_instructions(const std::filesystem::path& repo, size_t max_bytes) {
  for (const char* name : {"AGENTS.override.md", "AGENTS.md"}) {
    auto text = read_file(repo / name, 4ull << 20);
    if (!text.ok()) continue;
    std::string s = sanitize_utf8(*text);
    if (s.size() > max_bytes) {
      s.resize(utf8_safe_prefix(s, max_bytes));
      s += "\n[AGENTS.md cut at " + std::to_string(max_bytes) + " bytes]\n";
    }
    return s;
  }
  return "";
}

std::string build_system_prompt(const std::vector<ToolSpec>& tools,
                                const std::string& project_instructions) {
  std::string p =
      "You are a coding agent working in a software repository. You solve the user's issue by "
      "reading code, running commands and editing files through the tools you are given, and "
      "you finish with a short summary of what you changed and how you checked it.\n"
      "\n"
      "How to work:\n"
      "- Explore before editing: list and search files, read the relevant code.\n"
      "- Reproduce the problem (run the failing test or a small script) before fixing it.\n"
      "- Make the smallest change that fixes the root cause; keep the project's style.\n"
      "- Run the relevant tests after your change and fix what you broke.\n"
      "- Paths are relative to the repository root. Commands run non-interactively in the "
      "repository root with a time limit; long output is cut in the middle and saved in full "
      "to a file you can page through with read_file.\n"
      "- A tool error is information: read it and adjust; do not repeat a call that failed.\n"
      "- When you are done, answer without calling a tool: that ends the run.\n"
      "\n"
      "Tools:\n";
  for (const auto& t : tools) {
    p += "- " + t.name + ": ";
    std::string first = t.description.substr(0, t.description.find(". ") + 1);
    p += first.empty() ? t.description : first;
    p += "\n";
  }
  if (!project_instructions.empty()) {
    p += "\nThe repository's instructions for agents (AGENTS.md):\n\n";
    p += project_instructions;
    if (p.back() != '\n') p += '\n';
  }
  return p;
}

std::string build_issue_message(const std::string& issue_text) {
  std::string m = "Solve this issue in the repository:\n\n";
  m += sanitize_utf8(issue_text);
  if (m.back() != '\n') m += '\n';
  return m;
}

}  // namespace agent
