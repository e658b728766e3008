#include "tools/patch_apply.h"

#include <algorithm>

#include "tools/line_match.h"
#include "tools/text_lines.h"

namespace agent {

namespace {

constexpr size_t kMaxQuotedLines = 20;  // of a hunk, in an error

// A file as lines, and how to put it back together.
struct FileText {
  std::vector<std::string> lines;
  bool final_newline = true;
  bool crlf = false;
};

FileText split_text(std::string_view content) {
  FileText t;
  t.crlf = uses_crlf(content);
  t.final_newline = content.empty() || content.back() == '\n';
  for (std::string_view l : split_lines(content)) {
    if (t.crlf && !l.empty() && l.back() == '\r') l.remove_suffix(1);
    t.lines.emplace_back(l);
  }
  return t;
}

std::string join_text(const FileText& t) {
  const char* eol = t.crlf ? "\r\n" : "\n";
  std::string out;
  for (size_t i = 0; i < t.lines.size(); ++i) {
    out += t.lines[i];
    if (i + 1 < t.lines.size() || t.final_newline) out += eol;
  }
  return out;
}

struct Replacement {
  size_t start = 0, old_len = 0;
  std::vector<std::string> lines;
};

std::string quote_lines(const std::vector<std::string>& lines, char prefix) {
  std::string out;
  for (size_t i = 0; i < lines.size() && i < kMaxQuotedLines; ++i) out += std::string(1, prefix) + lines[i] + "\n";
  if (lines.size() > kMaxQuotedLines) out += "[... " + std::to_string(lines.size() - kMaxQuotedLines) + " more lines]\n";
  return out;
}

std::string closest_region(const std::vector<std::string>& lines, const std::vector<std::string>& wanted) {
  std::vector<std::string_view> hay(lines.begin(), lines.end()), needle(wanted.begin(), wanted.end());
  auto w = closest_window(hay, needle);
  if (!w || w->similarity < 0.3) return "Nothing in the file resembles these lines.\n";
  return "The closest part of the file is lines " + std::to_string(w->first + 1) + "-" +
         std::to_string(w->first + w->count) + " (" + std::to_string(static_cast<int>(w->similarity * 100)) +
         "% similar):\n" + numbered_lines(hay, w->first, w->first + w->count);
}

// Models often end a hunk with a blank context line the file does not have there.
bool drop_trailing_blank(Hunk& h) {
  for (size_t i = h.lines.size(); i-- > 0;) {
    if (h.lines[i].op == '+') continue;
    if (h.lines[i].text.find_first_not_of(" \t") != std::string::npos) return false;
    h.lines.erase(h.lines.begin() + static_cast<long>(i));
    return true;
  }
  return false;
}

// Follows the hunk's @@ anchor lines, moving `pos` past each.
Status follow_anchors(const std::vector<std::string>& lines, const Hunk& h, size_t& pos,
                      const std::string& where) {
  for (const auto& a : h.anchors) {
    SeekOptions o;
    o.start = pos;
    auto m = seek_sequence(lines, {a}, o);
    if (!m) {
      return invalid_argument(where + ": the @@ line \"" + a + "\" was not found" +
                              (pos > 0 ? " after line " + std::to_string(pos) : "") + ".\n" +
                              closest_region(lines, {a}));
    }
    pos = m->index + 1;
  }
  return ok_status();
}

// Where hunk `h` applies in `lines` (searching from `pos`), and what replaces the lines there.
Result<Replacement> locate_hunk(const std::vector<std::string>& lines, Hunk h, size_t& pos,
                                bool unified, const std::string& where, std::vector<std::string>* notes) {
  AGENT_RETURN_IF_ERROR(follow_anchors(lines, h, pos, where));
  std::vector<std::string> old = h.old_lines();
  if (old.empty()) {  // a pure insertion: at the diff's line, after the anchors, or at the end
    size_t at = unified ? std::clamp(h.old_start, pos, lines.size()) : h.anchors.empty() ? lines.size() : pos;
    pos = at;
    return Replacement{at, 0, h.new_lines()};
  }
  SeekOptions o;
  o.start = pos;
  o.eof = h.end_of_file;
  if (unified && h.old_start > 0) o.hint = h.old_start - 1;
  auto m = seek_sequence(lines, old, o);
  if (!m && old.size() > 1 && drop_trailing_blank(h)) {
    old = h.old_lines();
    m = seek_sequence(lines, old, o);
  }
  if (!m) {
    return invalid_argument(where + ": the lines to change were not found" +
                            (pos > 0 ? " after line " + std::to_string(pos) : std::string()) +
                            ". The hunk expects:\n" + quote_lines(old, ' ') + closest_region(lines, old));
  }
  if (m->tier != MatchTier::kExact) notes->push_back(where + " matched " + std::string(match_tier_description(m->tier)));
  // Context lines keep the file's own text: a lenient match must not rewrite them.
  Replacement r{m->index, old.size(), {}};
  size_t k = m->index;
  for (const auto& l : h.lines) {
    if (l.op == ' ') r.lines.push_back(lines[k++]);
    else if (l.op == '-') ++k;
    else r.lines.push_back(l.text);
  }
  pos = m->index + old.size();
  return r;
}

}  // namespace

Result<std::string> apply_hunks(std::string_view content, const std::vector<Hunk>& hunks, bool unified,
                                const std::string& where, std::vector<std::string>* notes) {
  FileText text = split_text(content);
  std::vector<Replacement> reps;
  size_t pos = 0;
  for (size_t i = 0; i < hunks.size(); ++i) {
    std::string hunk_where = where + ", hunk " + std::to_string(i + 1) +
                             (hunks[i].patch_line ? " (patch line " + std::to_string(hunks[i].patch_line) + ")" : "");
    AGENT_ASSIGN_OR_RETURN(Replacement r, locate_hunk(text.lines, hunks[i], pos, unified, hunk_where, notes));
    reps.push_back(std::move(r));
    if (unified && hunks[i].new_no_newline) text.final_newline = false;
    else if (unified && hunks[i].old_no_newline) text.final_newline = true;
  }
  // Hunks were located in the original lines, in order; apply them from the last.
  for (size_t i = reps.size(); i-- > 0;) {
    const Replacement& r = reps[i];
    auto at = text.lines.begin() + static_cast<long>(r.start);
    text.lines.erase(at, at + static_cast<long>(r.old_len));
    text.lines.insert(text.lines.begin() + static_cast<long>(r.start), r.lines.begin(), r.lines.end());
  }
  return join_text(text);
}

}  // namespace agent
