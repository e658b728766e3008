// The unified-diff parser of parse_patch: `git diff` (with its extended headers) and
// `diff -u` output, several files in a row, with text before, between and after them (a
// commit message, "index" lines) skipped.
//
// Hunk line counts are used to know where a hunk ends, but models often miscount, so a hunk
// also ends at the next header, and hunk-looking lines just after the counted ones are kept.
#include <optional>

#include "tools/patch.h"

namespace agent {

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// A path as git prints it: C-quoted when it holds special characters ("a/t\303\251st").
std::string unquote(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return std::string(s);
  std::string out;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] != '\\' || i + 2 >= s.size()) {
      out += s[i];
      continue;
    }
    char c = s[++i];
    if (c >= '0' && c <= '7' && i + 2 < s.size()) {
      out += static_cast<char>((c - '0') * 64 + (s[i + 1] - '0') * 8 + (s[i + 2] - '0'));
      i += 2;
    } else {
      out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
    }
  }
  return out;
}

// The path of a "--- x" / "+++ x" line: without a `diff -u` timestamp after a tab.
std::string header_path(std::string_view rest) {
  size_t tab = rest.find('\t');
  if (tab != std::string_view::npos) rest = rest.substr(0, tab);
  return unquote(rest);
}

struct Section {
  bool git = false;
  bool has_header = false;      // saw "--- " / "+++ "
  std::string old_path, new_path;
  bool new_file = false, deleted_file = false, binary = false;
  std::string rename_from, rename_to;
  std::vector<Hunk> hunks;
  size_t line = 0;
};

class UnifiedParser {
 public:
  UnifiedParser(const std::vector<std::string>& lines, size_t first_line)
      : lines_(lines), first_(first_line) {}

  Result<Patch> parse() {
    Patch patch;
    patch.unified = true;
    std::optional<Section> sec;
    auto finish = [&]() -> Status {
      if (!sec) return ok_status();
      Status st = to_change(*sec, patch);
      sec.reset();
      return st;
    };
    for (size_t i = 0; i < lines_.size();) {
      const std::string& l = lines_[i];
      if (starts_with(l, "diff --git ")) {
        AGENT_RETURN_IF_ERROR(finish());
        sec = Section{};
        sec->git = true;
        sec->line = first_ + i;
        split_git_paths(std::string_view(l).substr(11), *sec);
        ++i;
      } else if (starts_with(l, "--- ") && i + 1 < lines_.size() && starts_with(lines_[i + 1], "+++ ")) {
        if (!sec || sec->has_header) {
          AGENT_RETURN_IF_ERROR(finish());
          sec = Section{};
          sec->line = first_ + i;
        }
        sec->has_header = true;
        sec->old_path = header_path(std::string_view(l).substr(4));
        sec->new_path = header_path(std::string_view(lines_[i + 1]).substr(4));
        i += 2;
      } else if (starts_with(l, "@@ -")) {
        if (!sec || (!sec->has_header && !sec->git)) {
          return error(i, "a hunk before any \"--- a/file\" / \"+++ b/file\" header");
        }
        AGENT_ASSIGN_OR_RETURN(Hunk h, parse_hunk(i));
        sec->hunks.push_back(std::move(h));
      } else {
        if (sec && sec->git && !sec->has_header) git_header_line(l, *sec);
        ++i;
      }
    }
    AGENT_RETURN_IF_ERROR(finish());
    return patch;
  }

 private:
  Status error(size_t i, const std::string& msg) const {
    return invalid_argument("patch line " + std::to_string(first_ + i) + ": " + msg);
  }

  // "a/x b/y" (ambiguous when names hold spaces: split at the last " b/").
  static void split_git_paths(std::string_view rest, Section& sec) {
    size_t split = rest.rfind(" b/");
    if (split == std::string_view::npos) split = rest.rfind(' ');
    if (split == std::string_view::npos) return;
    sec.old_path = unquote(rest.substr(0, split));
    sec.new_path = unquote(rest.substr(split + 1));
  }

  static void git_header_line(std::string_view l, Section& sec) {
    if (starts_with(l, "new file mode")) sec.new_file = true;
    if (starts_with(l, "deleted file mode")) sec.deleted_file = true;
    if (starts_with(l, "rename from ")) sec.rename_from = unquote(l.substr(12));
    if (starts_with(l, "rename to ")) sec.rename_to = unquote(l.substr(10));
    if (starts_with(l, "GIT binary patch") || starts_with(l, "Binary files ")) sec.binary = true;
  }

  Result<Hunk> parse_hunk(size_t& i) {
    HunkHeader hh;
    if (!parse_hunk_header(lines_[i], &hh)) {
      return error(i, "malformed hunk header \"" + lines_[i] + "\" (expected \"@@ -l,c +l,c @@\")");
    }
    Hunk h;
    h.old_start = hh.old_start;
    h.patch_line = first_ + i;
    size_t old_seen = 0, new_seen = 0;
    for (++i; i < lines_.size(); ++i) {
      const std::string& l = lines_[i];
      const bool counted = old_seen >= hh.old_count && new_seen >= hh.new_count;
      if (starts_with(l, "\\")) {  // "\ No newline at end of file"
        if (!h.lines.empty()) {
          char op = h.lines.back().op;
          if (op != '+') h.old_no_newline = true;
          if (op != '-') h.new_no_newline = true;
        }
        continue;
      }
      if (starts_with(l, "diff --git ") || starts_with(l, "@@ -")) break;
      // A "--- "/"+++ " pair could be a removed "-- x" and an added "++ y"; followed by a hunk
      // header it is the next file's header even when this hunk's counts say otherwise.
      if (is_file_header(i) && i + 2 < lines_.size() && starts_with(lines_[i + 2], "@@ -")) break;
      if (counted && (l.empty() || l == "-- " || is_file_header(i) ||
                      (l[0] != ' ' && l[0] != '-' && l[0] != '+'))) {
        break;
      }
      if (!l.empty() && l[0] != ' ' && l[0] != '-' && l[0] != '+') break;  // miscounted, too high
      HunkLine hl{l.empty() ? ' ' : l[0], l.empty() ? "" : l.substr(1)};
      if (hl.op != '+') ++old_seen;
      if (hl.op != '-') ++new_seen;
      h.lines.push_back(std::move(hl));
    }
    if (h.lines.empty()) return error(h.patch_line - first_, "the hunk has no lines");
    return h;
  }

  bool is_file_header(size_t i) const {
    return starts_with(lines_[i], "--- ") && i + 1 < lines_.size() && starts_with(lines_[i + 1], "+++ ");
  }

  Status to_change(Section& s, Patch& patch) const;

  const std::vector<std::string>& lines_;
  size_t first_;
};

// "a/x" -> "x" where the diff uses git's prefixes; "/dev/null" -> "".
void strip_prefixes(Section& s) {
  if (s.old_path == "/dev/null") s.old_path.clear();
  if (s.new_path == "/dev/null") s.new_path.clear();
  bool old_a = starts_with(s.old_path, "a/"), new_b = starts_with(s.new_path, "b/");
  bool prefixed = s.git || ((old_a || s.old_path.empty()) && (new_b || s.new_path.empty()));
  if (prefixed && old_a) s.old_path = s.old_path.substr(2);
  if (prefixed && new_b) s.new_path = s.new_path.substr(2);
}

Status UnifiedParser::to_change(Section& s, Patch& patch) const {
  strip_prefixes(s);
  std::string shown = s.new_path.empty() ? s.old_path : s.new_path;
  if (s.binary) return invalid_argument("binary patches are not supported (" + shown + ")");
  if (!s.rename_from.empty()) s.old_path = s.rename_from;
  if (!s.rename_to.empty()) s.new_path = s.rename_to;
  FileChange c;
  c.patch_line = s.line;
  if (s.old_path.empty() || (s.new_file && s.hunks.empty())) {
    c.kind = FileChangeKind::kAdd;
    c.path = s.new_path;
    for (const auto& h : s.hunks) {
      for (const auto& l : h.lines) {
        if (l.op != '+') {
          return invalid_argument("patch line " + std::to_string(h.patch_line) + ": the new file " +
                                  c.path + " has a hunk with context or removed lines");
        }
        c.content += l.text + "\n";
      }
      if (h.new_no_newline && !c.content.empty()) c.content.pop_back();
    }
  } else if (s.new_path.empty() || s.deleted_file) {
    c.kind = FileChangeKind::kDelete;
    c.path = s.old_path;
    c.hunks = std::move(s.hunks);
  } else {
    c.kind = FileChangeKind::kUpdate;
    c.path = s.old_path;
    if (s.new_path != s.old_path) c.move_to = s.new_path;
    c.hunks = std::move(s.hunks);
    if (c.hunks.empty() && c.move_to.empty()) return ok_status();  // a mode change only
  }
  if (c.path.empty()) return invalid_argument("patch line " + std::to_string(s.line) + ": a file header without a path");
  patch.changes.push_back(std::move(c));
  return ok_status();
}

}  // namespace

Result<Patch> parse_unified_diff(const std::vector<std::string>& lines, size_t first_line) {
  return UnifiedParser(lines, first_line).parse();
}

}  // namespace agent
