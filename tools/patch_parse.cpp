// parse_patch: format detection and the envelope parser (the unified-diff parser is in
// patch_parse_unified.cpp).
#include <algorithm>

#include "tools/patch.h"

namespace agent {

namespace {

std::string_view trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

constexpr std::string_view kBegin = "*** Begin Patch";
constexpr std::string_view kEnd = "*** End Patch";

class EnvelopeParser {
 public:
  EnvelopeParser(const std::vector<std::string>& lines, size_t first_line)
      : lines_(lines), first_(first_line) {}

  Result<Patch> parse() {
    if (lines_.empty() || trim(lines_[0]) != kBegin) return error(0, "expected \"*** Begin Patch\"");
    size_t end = lines_.size() - 1;
    if (end == 0 || trim(lines_[end]) != kEnd) {
      return error(end, "the patch does not end with \"*** End Patch\" (was it cut short?)");
    }
    Patch patch;
    for (size_t i = 1; i < end;) {
      std::string_view t = trim(lines_[i]);
      if (t.empty()) {
        ++i;
        continue;
      }
      FileChange change;
      change.patch_line = first_ + i;
      if (starts_with(t, "*** Add File:")) {
        change.kind = FileChangeKind::kAdd;
        AGENT_RETURN_IF_ERROR(take_path(i, t.substr(13), &change.path));
        AGENT_RETURN_IF_ERROR(parse_add_body(i, end, change));
      } else if (starts_with(t, "*** Delete File:")) {
        change.kind = FileChangeKind::kDelete;
        AGENT_RETURN_IF_ERROR(take_path(i, t.substr(16), &change.path));
      } else if (starts_with(t, "*** Update File:")) {
        AGENT_RETURN_IF_ERROR(take_path(i, t.substr(16), &change.path));
        AGENT_RETURN_IF_ERROR(parse_update_body(i, end, change));
      } else {
        return error(i, "expected \"*** Add File: <path>\", \"*** Delete File: <path>\", "
                        "\"*** Update File: <path>\" or \"*** End Patch\", got \"" + std::string(t) + "\"");
      }
      patch.changes.push_back(std::move(change));
    }
    return patch;
  }

 private:
  Status error(size_t i, const std::string& msg) const {
    return invalid_argument("patch line " + std::to_string(first_ + i) + ": " + msg);
  }

  // Reads the path after a marker and moves past the marker line.
  Status take_path(size_t& i, std::string_view rest, std::string* path) {
    *path = std::string(trim(rest));
    if (path->empty()) return error(i, "the file path is missing");
    ++i;
    return ok_status();
  }

  // "+line" lines up to the next "***" marker. A blank line between them is read as an empty
  // line of the file (models drop the '+' on blank lines).
  Status parse_add_body(size_t& i, size_t end, FileChange& change) {
    size_t blanks = 0;
    for (; i < end && !starts_with(lines_[i], "***"); ++i) {
      const std::string& l = lines_[i];
      if (l.empty()) {
        ++blanks;
        continue;
      }
      if (l[0] != '+') {
        return error(i, "in \"*** Add File: " + change.path + "\" every line starts with '+', got \"" + l + "\"");
      }
      for (; blanks > 0; --blanks) change.content += '\n';
      change.content.append(l, 1, std::string::npos);
      change.content += '\n';
    }
    return ok_status();
  }

  Status parse_update_body(size_t& i, size_t end, FileChange& change) {
    if (i < end && starts_with(trim(lines_[i]), "*** Move to:")) {
      change.move_to = std::string(trim(trim(lines_[i]).substr(12)));
      if (change.move_to.empty()) return error(i, "the path after \"*** Move to:\" is missing");
      ++i;
    }
    Hunk cur;
    size_t blanks = 0;
    auto flush = [&] {
      if (!cur.lines.empty()) change.hunks.push_back(std::move(cur));
      cur = Hunk();
      blanks = 0;
    };
    for (; i < end; ++i) {
      const std::string& l = lines_[i];
      if (starts_with(l, "*** End of File")) {
        if (cur.lines.empty()) return error(i, "\"*** End of File\" must follow a hunk's lines");
        cur.end_of_file = true;
        flush();
        continue;
      }
      if (starts_with(l, "***")) break;
      if (starts_with(l, "@@")) {
        if (!cur.lines.empty()) flush();
        if (cur.patch_line == 0) cur.patch_line = first_ + i;
        HunkHeader h;
        std::string_view anchor = trim(std::string_view(l).substr(2));
        if (parse_hunk_header(l, &h)) {
          cur.old_start = h.old_start;  // a unified-style header: only a hint
        } else if (!anchor.empty()) {
          cur.anchors.emplace_back(anchor);
        }
        continue;
      }
      if (l.empty()) {
        ++blanks;  // an empty context line whose ' ' was lost, if more lines follow
        continue;
      }
      if (l[0] != ' ' && l[0] != '-' && l[0] != '+') {
        return error(i, "unexpected line in a hunk of " + change.path + ": \"" + l +
                        "\" (hunk lines start with ' ', '-' or '+'; a new hunk starts with @@)");
      }
      if (cur.patch_line == 0) cur.patch_line = first_ + i;
      for (; blanks > 0; --blanks) cur.lines.push_back({' ', ""});
      cur.lines.push_back({l[0], l.substr(1)});
    }
    if (cur.lines.empty() && !cur.anchors.empty()) {
      return error(i - 1, "a hunk of " + change.path + " has an @@ line but no lines to change");
    }
    flush();
    if (change.hunks.empty() && change.move_to.empty()) {
      return error(i - 1, "\"*** Update File: " + change.path + "\" has no hunks");
    }
    return ok_status();
  }

  const std::vector<std::string>& lines_;
  size_t first_;
};

std::vector<std::string> split_patch_lines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view l = text.substr(start, end - start);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    lines.emplace_back(l);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return lines;
}

// Drops wrappers models put around patches: blank lines, a markdown fence, a shell heredoc
// (`apply_patch <<'EOF'` ... `EOF`). Returns the index of the first line kept.
size_t unwrap(std::vector<std::string>& lines) {
  size_t first = 0;
  auto drop_front = [&] {
    lines.erase(lines.begin());
    ++first;
  };
  for (int pass = 0; pass < 2; ++pass) {
    while (!lines.empty() && trim(lines.front()).empty()) drop_front();
    while (!lines.empty() && trim(lines.back()).empty()) lines.pop_back();
    if (lines.size() < 2) break;
    std::string_view head = trim(lines.front()), tail = trim(lines.back());
    bool fence = starts_with(head, "```") && tail == "```";
    bool heredoc = head.find("<<") != std::string_view::npos && trim(lines[1]) == kBegin &&
                   tail != kEnd && tail.find(' ') == std::string_view::npos;
    if (!fence && !heredoc) break;
    drop_front();
    lines.pop_back();
  }
  return first;
}

}  // namespace

std::vector<std::string> Hunk::old_lines() const {
  std::vector<std::string> out;
  for (const auto& l : lines) {
    if (l.op != '+') out.push_back(l.text);
  }
  return out;
}

std::vector<std::string> Hunk::new_lines() const {
  std::vector<std::string> out;
  for (const auto& l : lines) {
    if (l.op != '-') out.push_back(l.text);
  }
  return out;
}

bool parse_hunk_header(std::string_view line, HunkHeader* out) {
  // "@@ -a[,b] +c[,d] @@"
  if (!starts_with(line, "@@ -")) return false;
  size_t i = 4;
  auto number = [&](size_t* v) {
    size_t start = i;
    *v = 0;
    while (i < line.size() && line[i] >= '0' && line[i] <= '9') *v = *v * 10 + static_cast<size_t>(line[i++] - '0');
    return i > start;
  };
  HunkHeader h;
  if (!number(&h.old_start)) return false;
  if (i < line.size() && line[i] == ',' && (++i, !number(&h.old_count))) return false;
  if (line.substr(i, 2) != " +") return false;
  i += 2;
  if (!number(&h.new_start)) return false;
  if (i < line.size() && line[i] == ',' && (++i, !number(&h.new_count))) return false;
  if (line.substr(i, 3) != " @@") return false;
  *out = h;
  return true;
}

Result<Patch> parse_envelope_patch(const std::vector<std::string>& lines, size_t first_line) {
  return EnvelopeParser(lines, first_line).parse();
}

Result<Patch> parse_patch(std::string_view text) {
  std::vector<std::string> lines = split_patch_lines(text);
  size_t first_line = 1 + unwrap(lines);
  if (lines.empty()) return invalid_argument("the patch is empty");
  Result<Patch> parsed = invalid_argument("");
  if (trim(lines[0]) == kBegin) {
    parsed = parse_envelope_patch(lines, first_line);
  } else if (std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
               return starts_with(l, "--- ") || starts_with(l, "diff --git ") || starts_with(l, "@@ -");
             })) {
    parsed = parse_unified_diff(lines, first_line);
  } else {
    return invalid_argument(
        "not a patch: expected \"*** Begin Patch\" ... \"*** End Patch\", or a unified diff "
        "(\"--- a/file\", \"+++ b/file\", \"@@ -l,c +l,c @@\")");
  }
  if (parsed.ok() && parsed->changes.empty()) return invalid_argument("the patch changes no file");
  return parsed;
}

}  // namespace agent
