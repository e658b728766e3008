#include "tools/workspace_path.h"

#include <system_error>

namespace agent {

namespace fs = std::filesystem;

namespace {

bool is_within(const fs::path& p, const fs::path& root) {
  auto pi = p.begin();
  for (auto ri = root.begin(); ri != root.end(); ++ri, ++pi) {
    if (ri->empty()) continue;  // trailing separator
    if (pi == p.end() || *pi != *ri) return false;
  }
  return true;
}

bool has_git_component(const fs::path& rel) {
  for (const auto& part : rel) {
    if (part == ".git") return true;
  }
  return false;
}

}  // namespace

Result<fs::path> resolve_tool_path(const ToolContext& ctx, std::string_view path,
                                   PathAccess access) {
  if (path.empty()) return invalid_argument("empty path");
  if (path.find('\0') != std::string_view::npos) return invalid_argument("path contains a NUL byte");
  fs::path p(path);
  fs::path joined = p.is_absolute() ? p : ctx.workspace / p;
  joined = joined.lexically_normal();
  std::error_code ec;
  // Resolves every symbolic link in the existing part of the path.
  fs::path real = fs::weakly_canonical(joined, ec);
  if (ec) return invalid_argument("cannot resolve path \"" + std::string(path) + "\": " + ec.message());

  const bool in_workspace = is_within(real, ctx.workspace);
  const bool in_run_dir = !ctx.run_dir.empty() && is_within(real, ctx.run_dir);
  if (access == PathAccess::kRead && in_run_dir) return real;
  if (!in_workspace) {
    bool lexically_inside = is_within(joined, ctx.workspace);
    return permission_denied(
        "path \"" + std::string(path) + "\" is outside the repository" +
        (lexically_inside ? " (through a symbolic link)" : "") +
        "; paths are relative to the repository root");
  }
  if (access == PathAccess::kWrite) {
    fs::path rel = real.lexically_relative(ctx.workspace);
    if (has_git_component(rel) || has_git_component(joined.lexically_relative(ctx.workspace))) {
      return permission_denied("path \"" + std::string(path) +
                               "\" is inside a .git folder, which file tools do not change");
    }
  }
  return real;
}

std::string display_path(const ToolContext& ctx, const fs::path& abs) {
  if (is_within(abs, ctx.workspace)) {
    fs::path rel = abs.lexically_relative(ctx.workspace);
    return rel.empty() || rel == "." ? "." : rel.string();
  }
  return abs.string();
}

}  // namespace agent
