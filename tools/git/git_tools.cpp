// git_status, git_diff, git_log, git_commit: the model's view of the repository's history,
// through libgit2. git_commit works only in runs that have their own branch.
#include "tools/git/git_tools.h"

#include "tools/git/git_repo.h"
#include "tools/workspace_path.h"

namespace agent {

namespace {

// A path argument, checked to stay in the workspace, as git wants it (relative to the root).
Result<std::string> repo_relative(const ToolContext& ctx, const Json& args, const char* key,
                                  PathAccess access) {
  if (!args.contains(key) || args[key].is_null()) return std::string();
  std::string raw = args[key].get<std::string>();
  AGENT_ASSIGN_OR_RETURN(std::filesystem::path abs, resolve_tool_path(ctx, raw, access));
  std::string rel = abs.lexically_relative(ctx.workspace).string();
  return rel == "." ? std::string() : rel;
}

class GitTool : public Tool {
 public:
  GitTool(std::string name, std::string description, const char* schema, bool mutating) {
    spec_.name = std::move(name);
    spec_.description = std::move(description);
    spec_.parameters = Json::parse(schema);
    spec_.mutating = mutating;
  }
  const ToolSpec& spec() const override { return spec_; }

 protected:
  static ToolOutput from(const Result<std::string>& r, const std::string& empty_text) {
    if (!r.ok()) return ToolOutput::error(r.status().message());
    return ToolOutput::ok(r->empty() ? empty_text : *r);
  }
  ToolSpec spec_;
};

class GitStatusTool final : public GitTool {
 public:
  GitStatusTool()
      : GitTool("git_status", "Show the current branch and the changed, staged and untracked files.",
                R"({"type":"object","properties":{},"additionalProperties":false})", false) {}
  ToolOutput run(const Json&, ToolContext& ctx) override {
    return from(git_status_text(ctx.workspace), "");
  }
};

class GitDiffTool final : public GitTool {
 public:
  GitDiffTool()
      : GitTool("git_diff",
                "Show uncommitted changes as a unified diff: unstaged ones, or staged ones with "
                "staged=true; optionally only under `path`.",
                R"({"type":"object","properties":{
                  "staged":{"type":"boolean","description":"Show staged changes (index vs HEAD)."},
                  "path":{"type":"string","description":"Only this file or folder."}},
                  "additionalProperties":false})",
                false) {}
  ToolOutput run(const Json& args, ToolContext& ctx) override {
    auto path = repo_relative(ctx, args, "path", PathAccess::kRead);
    if (!path.ok()) return ToolOutput::error(path.status().message());
    bool staged = args.value("staged", false);
    return from(git_diff_text(ctx.workspace, staged, *path),
                staged ? "(no staged changes)\n" : "(no unstaged changes)\n");
  }
};

class GitLogTool final : public GitTool {
 public:
  GitLogTool()
      : GitTool("git_log", "List recent commits (id, date, author, subject), optionally those touching `path`.",
                R"({"type":"object","properties":{
                  "max_count":{"type":"integer","description":"How many commits (default 20)."},
                  "path":{"type":"string","description":"Only commits that change this file or folder."}},
                  "additionalProperties":false})",
                false) {}
  ToolOutput run(const Json& args, ToolContext& ctx) override {
    int n = static_cast<int>(args.value("max_count", 20));
    if (n <= 0) return ToolOutput::error("max_count must be positive");
    auto path = repo_relative(ctx, args, "path", PathAccess::kRead);
    if (!path.ok()) return ToolOutput::error(path.status().message());
    return from(git_log_text(ctx.workspace, std::min(n, 1000), *path), "");
  }
};

class GitCommitTool final : public GitTool {
 public:
  GitCommitTool()
      : GitTool("git_commit",
                "Commit changes on the run's own branch: the given paths, or every change when "
                "`paths` is omitted. Only available in runs that have their own branch.",
                R"({"type":"object","properties":{
                  "message":{"type":"string","description":"The commit message."},
                  "paths":{"type":"array","items":{"type":"string"},"description":"Files or folders to commit."}},
                  "required":["message"],"additionalProperties":false})",
                true) {}
  ToolOutput run(const Json& args, ToolContext& ctx) override {
    if (ctx.git.run_branch.empty()) {
      return ToolOutput::error(
          "git_commit is not available in this run: it has no branch of its own (agent solve "
          "--branch NAME, or the PR bot). Leave the changes uncommitted: the patch is the result.");
    }
    std::string message = args.at("message").get<std::string>();
    if (message.find_first_not_of(" \t\r\n") == std::string::npos) {
      return ToolOutput::error("the commit message is empty");
    }
    auto branch = git_current_branch(ctx.workspace);
    if (!branch.ok()) return ToolOutput::error(branch.status().message());
    if (*branch != ctx.git.run_branch) {
      return ToolOutput::error("HEAD is on \"" + (branch->empty() ? std::string("(detached)") : *branch) +
                               "\", not on the run's branch \"" + ctx.git.run_branch +
                               "\"; nothing was committed");
    }
    std::vector<std::string> paths;
    if (args.contains("paths") && args["paths"].is_array()) {
      for (const auto& p : args["paths"]) {
        Json one{{"p", p}};
        auto rel = repo_relative(ctx, one, "p", PathAccess::kRead);
        if (!rel.ok()) return ToolOutput::error(rel.status().message());
        paths.push_back(rel->empty() ? "*" : *rel);
      }
    }
    GitIdentity who{ctx.git.author_name, ctx.git.author_email};
    auto id = git_commit_changes(ctx.workspace, message, who, paths);
    if (!id.ok()) return ToolOutput::error(id.status().message());
    ToolOutput out = ToolOutput::ok("committed " + id->substr(0, 12) + " on " + ctx.git.run_branch + "\n");
    out.details = Json{{"commit", *id}, {"branch", ctx.git.run_branch}};
    return out;
  }
};

}  // namespace

std::unique_ptr<Tool> make_git_status_tool() { return std::make_unique<GitStatusTool>(); }
std::unique_ptr<Tool> make_git_diff_tool() { return std::make_unique<GitDiffTool>(); }
std::unique_ptr<Tool> make_git_log_tool() { return std::make_unique<GitLogTool>(); }
std::unique_ptr<Tool> make_git_commit_tool() { return std::make_unique<GitCommitTool>(); }

}  // namespace agent
