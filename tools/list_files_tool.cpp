// list_files: the repository's files, recursively, as `rg --files` lists them (.gitignore
// respected, .git skipped), sorted, relative to the repository root.
#include "tools/builtin_tools.h"
#include "tools/file_walker.h"
#include "tools/similar_paths.h"
#include "tools/tool_args.h"
#include "tools/workspace_path.h"

namespace agent {

namespace {

class ListFilesTool final : public Tool {
 public:
  ListFilesTool() {
    spec_.name = "list_files";
    spec_.description =
        "List the files under a folder of the repository, recursively, sorted, one path per "
        "line (relative to the repository root). Respects .gitignore and skips .git. Filter "
        "with glob (e.g. \"*.py\", \"src/**/*.ts\"); a glob without '/' matches file names at "
        "any depth.";
    spec_.parameters = Json::parse(R"({
      "type": "object",
      "properties": {
        "path": {"type": "string", "description": "Folder to list, relative to the repository root (default: the whole repository)."},
        "glob": {"type": "string", "description": "Only files whose path matches this glob."}
      },
      "additionalProperties": false
    })");
    spec_.mutating = false;
  }

  const ToolSpec& spec() const override { return spec_; }

  ToolOutput run(const Json& args, ToolContext& ctx) override {
    const std::string path = string_arg_or(args, "path", ".");
    auto resolved = open_tool_path(ctx, path, PathAccess::kRead);
    if (!resolved.ok()) return ToolOutput::error(resolved.status().message());
    const std::filesystem::path& abs = resolved->at.abs;
    const std::string shown = display_path(ctx, abs);
    if (!shown.empty() && shown[0] == '/') {
      return ToolOutput::error("list_files lists folders of the repository; " + path + " is not in it");
    }
    if (!resolved->exists) {
      std::string msg = shown + " does not exist";
      auto similar = similar_paths(ctx.workspace, shown);
      if (!similar.empty()) {
        msg += ". Similar files:";
        for (const auto& s : similar) msg += " " + s;
      }
      return ToolOutput::error(msg);
    }
    std::optional<Glob> glob;
    if (has_arg(args, "glob")) {
      auto g = Glob::compile(args["glob"].get<std::string>());
      if (!g.ok()) return ToolOutput::error(g.status().message());
      glob = std::move(*g);
    }
    WalkOptions wo;
    wo.glob = glob ? &*glob : nullptr;
    wo.cancel = ctx.cancel;
    auto walked = walk_files(ctx.workspace, abs, wo);
    if (!walked.ok()) return ToolOutput::error(walked.status().message());
    return format(*walked, ctx.limits.list_max_entries, shown, glob ? glob->pattern() : "");
  }

 private:
  static ToolOutput format(const WalkResult& w, size_t max_entries, const std::string& shown,
                           const std::string& glob) {
    std::string text;
    const size_t n = w.files.size();
    for (size_t i = 0; i < n && i < max_entries; ++i) text += w.files[i].rel + "\n";
    if (n == 0) {
      text = "No files in " + shown + (glob.empty() ? "" : " matching " + glob) + "\n";
    } else if (n > max_entries) {
      text += "[... " + std::to_string(n - max_entries) + " more files not shown (" +
              std::to_string(n) + " in total); narrow with path or glob]\n";
    }
    if (w.cancelled) text += "[interrupted]\n";
    if (w.unreadable_folders > 0) {
      text += "[" + std::to_string(w.unreadable_folders) + " folders could not be read]\n";
    }
    ToolOutput out = ToolOutput::ok(std::move(text));
    out.details = Json{{"files", n}, {"shown", std::min(n, max_entries)}};
    return out;
  }

  ToolSpec spec_;
};

}  // namespace

std::unique_ptr<Tool> make_list_files_tool() { return std::make_unique<ListFilesTool>(); }

}  // namespace agent
