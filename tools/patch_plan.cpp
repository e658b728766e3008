// plan_patch: the file-level half of patch_apply.h (which files exist, adds, deletes, moves),
// over an in-memory view of the files the patch touches.
#include <sys/stat.h>

#include <map>

#include "common/text.h"
#include "tools/patch_apply.h"
#include "tools/similar_paths.h"
#include "tools/workspace_path.h"

namespace agent {

namespace fs = std::filesystem;

namespace {

struct Entry {
  std::string shown;
  std::optional<std::string> content;  // current state in the plan; nullopt: absent
  unsigned mode = 0644;
  bool on_disk = false;
  std::string disk_content;
  unsigned disk_mode = 0644;
};

class Planner {
 public:
  explicit Planner(const ToolContext& ctx) : ctx_(ctx) {}

  Result<PatchPlan> run(const Patch& patch) {
    for (const auto& change : patch.changes) {
      Status st;
      switch (change.kind) {
        case FileChangeKind::kAdd: st = add(change); break;
        case FileChangeKind::kDelete: st = remove(change, patch.unified); break;
        case FileChangeKind::kUpdate: st = update(change, patch.unified); break;
      }
      AGENT_RETURN_IF_ERROR(st);
    }
    for (const auto& abs : order_) {
      const Entry& e = files_.at(abs);
      if (e.content.has_value() == e.on_disk && (!e.content || (*e.content == e.disk_content && e.mode == e.disk_mode))) {
        continue;  // back where it started
      }
      if (e.content && e.content->size() > ctx_.limits.write_max_bytes) {
        return invalid_argument(e.shown + " would be " + std::to_string(e.content->size()) +
                                " bytes, over the limit of " + std::to_string(ctx_.limits.write_max_bytes));
      }
      plan_.files.push_back({abs, e.content, e.mode});
    }
    return std::move(plan_);
  }

 private:
  // The plan's entry for `path` (loaded from disk the first time).
  Result<Entry*> entry(const std::string& path) {
    AGENT_ASSIGN_OR_RETURN(ToolPath resolved, open_tool_path(ctx_, path, PathAccess::kWrite));
    const fs::path& abs = resolved.at.abs;
    auto it = files_.find(abs);
    if (it != files_.end()) return &it->second;
    Entry e;
    e.shown = display_path(ctx_, abs);
    if (resolved.through_link && !resolved.exists) {
      return invalid_argument(display_path(ctx_, (ctx_.workspace / path).lexically_normal()) +
                              " is a symbolic link to a missing file");
    }
    if (resolved.exists) {
      const struct stat& st = resolved.st;
      if (S_ISDIR(st.st_mode)) return invalid_argument(e.shown + " is a folder, not a file");
      if (!S_ISREG(st.st_mode)) return invalid_argument(e.shown + " is not a regular file");
      auto data = read_file_at(resolved.at.dir.get(), resolved.at.name, ctx_.limits.read_max_file_bytes, e.shown);
      if (!data.ok()) return invalid_argument("cannot read " + e.shown + ": " + data.status().message());
      e.on_disk = true;
      e.disk_content = std::move(*data);
      e.content = e.disk_content;
      e.mode = e.disk_mode = st.st_mode & 07777;
    }
    order_.push_back(abs);
    return &files_.emplace(abs, std::move(e)).first->second;
  }

  std::string missing(const Entry& e) const {
    std::string msg = e.shown + " does not exist";
    auto similar = similar_paths(ctx_.workspace, e.shown);
    if (!similar.empty()) {
      msg += " (similar files:";
      for (const auto& s : similar) msg += " " + s;
      msg += ")";
    }
    return msg;
  }

  Status add(const FileChange& c) {
    AGENT_ASSIGN_OR_RETURN(Entry * e, entry(c.path));
    if (e->content) {
      return invalid_argument("Add File: " + e->shown + " already exists (use *** Update File to change it)");
    }
    e->content = c.content;
    e->mode = 0644;
    plan_.summary.push_back("A " + e->shown + " (" + std::to_string(count_lines(c.content)) + " lines)");
    return ok_status();
  }

  Status remove(const FileChange& c, bool unified) {
    AGENT_ASSIGN_OR_RETURN(Entry * e, entry(c.path));
    if (!e->content) return invalid_argument("Delete File: " + missing(*e));
    if (unified && !c.hunks.empty()) {
      // A deletion diff quotes the whole file; it must still be what the file holds.
      auto left = apply_hunks(*e->content, c.hunks, true, e->shown, &plan_.notes);
      if (!left.ok()) return left.status();
      if (!left->empty()) {
        return invalid_argument("deleting " + e->shown + ": the file has more lines than the patch removes");
      }
    }
    e->content.reset();
    plan_.summary.push_back("D " + e->shown);
    return ok_status();
  }

  Status update(const FileChange& c, bool unified);

  const ToolContext& ctx_;
  std::map<fs::path, Entry> files_;
  std::vector<fs::path> order_;
  PatchPlan plan_;
};

Status Planner::update(const FileChange& c, bool unified) {
  AGENT_ASSIGN_OR_RETURN(Entry * src, entry(c.path));
  if (!src->content) return invalid_argument("Update File: " + missing(*src));
  if (looks_binary(*src->content)) {
    return invalid_argument(src->shown + " is a binary file; apply_patch changes text files only");
  }
  AGENT_ASSIGN_OR_RETURN(std::string updated, apply_hunks(*src->content, c.hunks, unified, src->shown, &plan_.notes));
  size_t added = 0, removed = 0;
  for (const auto& h : c.hunks) {
    for (const auto& l : h.lines) {
      added += l.op == '+';
      removed += l.op == '-';
    }
  }
  std::string counts = " (+" + std::to_string(added) + " -" + std::to_string(removed) + ")";
  if (c.move_to.empty()) {
    src->content = std::move(updated);
    plan_.summary.push_back("M " + src->shown + counts);
    return ok_status();
  }
  std::string src_shown = src->shown;
  unsigned mode = src->mode;
  AGENT_ASSIGN_OR_RETURN(Entry * dst, entry(c.move_to));
  if (dst == src) {
    src->content = std::move(updated);
    plan_.summary.push_back("M " + src_shown + counts);
    return ok_status();
  }
  if (dst->content) return invalid_argument("Move to: " + dst->shown + " already exists");
  dst->content = std::move(updated);
  dst->mode = mode;
  src->content.reset();  // map nodes are stable: src is still valid
  plan_.summary.push_back("R " + src_shown + " -> " + dst->shown + counts);
  return ok_status();
}

}  // namespace

Result<PatchPlan> plan_patch(const Patch& patch, const ToolContext& ctx) { return Planner(ctx).run(patch); }

}  // namespace agent
