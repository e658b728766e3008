// apply_patch: applies a multi-file patch (the Begin/End Patch envelope or a unified diff)
// all or nothing: every file's new content is computed and every hunk checked in memory
// first (patch_apply.h), then the files are replaced together (file_transaction.h).
#include "tools/builtin_tools.h"
#include "tools/file_transaction.h"
#include "tools/patch.h"
#include "tools/patch_apply.h"
#include "tools/workspace_path.h"

namespace agent {

namespace {

constexpr const char* kFailed = "apply_patch failed; no file was changed.\n";

class ApplyPatchTool final : public Tool {
 public:
  ApplyPatchTool() {
    spec_.name = "apply_patch";
    spec_.description =
        "Apply a patch that adds, deletes, updates or moves files, all or nothing. Preferred "
        "format:\n"
        "*** Begin Patch\n"
        "*** Update File: path/to/file.py\n"
        "@@ def some_function():\n"
        " context line\n"
        "-removed line\n"
        "+added line\n"
        "*** Add File: path/new.py\n"
        "+line of the new file\n"
        "*** Delete File: path/old.py\n"
        "*** End Patch\n"
        "Update File may be followed by '*** Move to: new/path'. Hunk lines start with ' ' "
        "(context), '-' or '+'; give about 3 lines of context and no line numbers; '@@ text' "
        "names a line above the hunk (a function or class) to tell similar places apart. "
        "Plain unified diffs (git diff, diff -u) are accepted too. Paths are relative to the "
        "repository root.";
    spec_.parameters = Json::parse(R"({
      "type": "object",
      "properties": {
        "patch": {"type": "string", "description": "The patch text: *** Begin Patch ... *** End Patch, or a unified diff."}
      },
      "required": ["patch"],
      "additionalProperties": false
    })");
    spec_.mutating = true;
  }

  const ToolSpec& spec() const override { return spec_; }

  ToolOutput run(const Json& args, ToolContext& ctx) override {
    auto patch = parse_patch(args.at("patch").get_ref<const std::string&>());
    if (!patch.ok()) return ToolOutput::error(kFailed + patch.status().message());
    auto plan = plan_patch(*patch, ctx);
    if (!plan.ok()) return ToolOutput::error(kFailed + plan.status().message());
    FileTransaction tx;
    for (auto& f : plan->files) {
      // Opened again beneath the workspace: the plan's paths are only names, and a folder on
      // the way may have been swapped for a symbolic link since the plan read it.
      auto target = open_tool_path(ctx, display_path(ctx, f.abs), PathAccess::kWrite, LastLink::kKeep);
      if (!target.ok()) return ToolOutput::error(kFailed + target.status().message());
      if (f.content) {
        tx.write(std::move(target->at), std::move(*f.content), f.mode);
      } else {
        tx.remove(std::move(target->at));
      }
    }
    Status committed = tx.commit();
    if (!committed.ok()) return ToolOutput::error(kFailed + committed.message());
    std::string text = "Applied the patch:\n";
    for (const auto& s : plan->summary) text += s + "\n";
    for (const auto& n : plan->notes) text += "note: " + n + "\n";
    ToolOutput out = ToolOutput::ok(std::move(text));
    out.details = Json{{"changes", plan->summary}, {"format", patch->unified ? "unified" : "envelope"}};
    return out;
  }

 private:
  ToolSpec spec_;
};

}  // namespace

std::unique_ptr<Tool> make_apply_patch_tool() { return std::make_unique<ApplyPatchTool>(); }

}  // namespace agent
