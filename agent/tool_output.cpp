#include "agent/tool_output.h"

#include "common/fs.h"
#include "common/logging.h"
#include "common/text.h"

namespace agent {

namespace {

// Call ids come from the model: keep file names to a safe alphabet.
std::string safe_file_name(const std::string& id) {
  std::string s;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    s += ok ? c : '_';
  }
  if (s.empty() || s[0] == '.') s = "call" + s;
  return s.substr(0, 120);
}

}  // namespace

ModelView make_model_view(const ToolOutput& out, const std::string& call_id,
                          const std::filesystem::path& run_dir, size_t max_bytes,
                          size_t max_lines) {
  // Registered secrets (API keys, forge tokens) never reach the model, the journal or the
  // saved output, whatever printed them.
  std::string text = redact_secrets(out.terminal_output ? clean_terminal_output(out.content)
                                                : sanitize_utf8(out.content));
  ModelView view;
  Truncation t = truncate_head_tail(text, max_bytes, max_lines);
  if (!t.truncated) {
    view.content = std::move(t.text);
    return view;
  }
  view.truncated = true;
  std::filesystem::path file = run_dir / "tool-outputs" / (safe_file_name(call_id) + ".txt");
  Status saved = write_file_atomic(file, text);
  std::string note = "[output cut: " + std::to_string(t.total_lines) + " lines, " +
                     std::to_string(t.total_bytes) + " bytes in all; ";
  if (saved.ok()) {
    view.full_output_path = file.string();
    note += "the whole output is in " + file.string() + " (read it with read_file and offset/limit)]\n";
  } else {
    note += "the whole output could not be saved: " + saved.message() + "]\n";
  }
  view.content = note + t.text;
  return view;
}

}  // namespace agent
