// What the model reads of a tool's output: cleaned (no terminal escapes, no progress-bar
// redraws, valid UTF-8) and, when long, cut to its head and tail with a marker that counts
// what was left out and names the file in the run folder that holds the whole text, which
// read_file can page through.
// Thread-safety: reentrant.
#pragma once

#include <filesystem>
#include <string>

#include "tools/tool.h"

namespace agent {

struct ModelView {
  std::string content;            // what goes into the conversation
  std::string full_output_path;   // absolute path of the saved full output, or empty
  bool truncated = false;
};

ModelView make_model_view(const ToolOutput& out, const std::string& call_id,
                          const std::filesystem::path& run_dir, size_t max_bytes,
                          size_t max_lines);

}  // namespace agent
