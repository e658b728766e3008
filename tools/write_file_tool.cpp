// write_file: creates or replaces a whole file, atomically (a reader never sees half of it).
#include <sys/stat.h>

#include "common/text.h"
#include "tools/builtin_tools.h"
#include "tools/workspace_path.h"

namespace agent {

namespace {

class WriteFileTool final : public Tool {
 public:
  WriteFileTool() {
    spec_.name = "write_file";
    spec_.description =
        "Create a file, or replace a file's whole content. Missing parent folders are "
        "created. Prefer edit_file or apply_patch to change part of an existing file. Paths "
        "are relative to the repository root.";
    spec_.parameters = Json::parse(R"({
      "type": "object",
      "properties": {
        "path": {"type": "string", "description": "File path, relative to the repository root."},
        "content": {"type": "string", "description": "The complete new content of the file."}
      },
      "required": ["path", "content"],
      "additionalProperties": false
    })");
    spec_.mutating = true;
  }

  const ToolSpec& spec() const override { return spec_; }

  ToolOutput run(const Json& args, ToolContext& ctx) override {
    const std::string path_arg = args.at("path").get<std::string>();
    const std::string& content = args.at("content").get_ref<const std::string&>();
    if (content.size() > ctx.limits.write_max_bytes) {
      return ToolOutput::error("content is " + std::to_string(content.size()) +
                               " bytes, over the limit of " + std::to_string(ctx.limits.write_max_bytes) +
                               " bytes for one write");
    }
    auto resolved = open_tool_path(ctx, path_arg, PathAccess::kWrite);
    if (!resolved.ok()) return ToolOutput::error(resolved.status().message());
    PathAt& at = resolved->at;
    const std::string shown = display_path(ctx, at.abs);
    if (!path_arg.empty() && path_arg.back() == '/') {
      return ToolOutput::error("\"" + path_arg + "\" names a folder; give a file path");
    }
    // Replacing a link to a missing file would silently turn the link into a file.
    if (resolved->through_link && !resolved->exists) {
      return ToolOutput::error(display_path(ctx, (ctx.workspace / path_arg).lexically_normal()) +
                               " is a symbolic link to a missing file; write to the path it should point to");
    }
    const bool existed = resolved->exists;
    const struct stat& st = resolved->st;
    if (existed && S_ISDIR(st.st_mode)) {
      return ToolOutput::error(shown + " is a folder; write_file writes files");
    }
    if (existed && !S_ISREG(st.st_mode)) {
      return ToolOutput::error(shown + " is not a regular file (a FIFO, socket or device)");
    }
    // An existing file keeps its mode (an executable script stays executable).
    const unsigned mode = existed ? (st.st_mode & 07777) : 0644;
    Status written = make_missing_dirs(at, nullptr);
    if (written.ok()) written = replace_file_at(at.dir.get(), at.name, content, mode, shown);
    if (!written.ok()) return ToolOutput::error("could not write " + shown + ": " + written.message());
    std::string what = existed ? "Overwrote " : "Created ";
    std::string size = std::to_string(content.size()) + " bytes, " + std::to_string(count_lines(content)) + " lines";
    if (existed) size += "; it was " + std::to_string(st.st_size) + " bytes";
    ToolOutput out = ToolOutput::ok(what + shown + " (" + size + ")\n");
    out.details = Json{{"path", shown}, {"created", !existed}, {"bytes", content.size()}};
    return out;
  }

 private:
  ToolSpec spec_;
};

}  // namespace

std::unique_ptr<Tool> make_write_file_tool() { return std::make_unique<WriteFileTool>(); }

}  // namespace agent
