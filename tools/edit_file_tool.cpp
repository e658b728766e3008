// edit_file: exact string replacement in one file.
//
// The model quotes the text to replace; it must occur exactly once (or replace_all is set),
// so an edit never lands somewhere the model did not look. When the quote is wrong, the error
// shows the closest lines of the file, with numbers, so the next attempt can copy them.
#include <sys/stat.h>

#include <algorithm>

#include "common/text.h"
#include "tools/builtin_tools.h"
#include "tools/line_match.h"
#include "tools/similar_paths.h"
#include "tools/text_lines.h"
#include "tools/tool_args.h"
#include "tools/workspace_path.h"

namespace agent {

namespace {

constexpr size_t kContextLines = 3;     // shown around each change
constexpr size_t kMaxShownLines = 120;  // of the whole edit summary
constexpr size_t kMaxListedHits = 50;

std::vector<size_t> find_all(std::string_view text, std::string_view needle) {
  std::vector<size_t> hits;
  for (size_t pos = text.find(needle); pos != std::string_view::npos;
       pos = text.find(needle, pos + needle.size())) {
    hits.push_back(pos);
  }
  return hits;
}

std::string replace_all_at(std::string_view text, const std::vector<size_t>& hits, size_t old_len,
                           std::string_view replacement) {
  std::string out;
  size_t prev = 0;
  for (size_t h : hits) {
    out.append(text.substr(prev, h - prev));
    out.append(replacement);
    prev = h + old_len;
  }
  out.append(text.substr(prev));
  return out;
}

// What to look for and what to put instead, once line endings are reconciled.
struct Strings {
  std::string old_s, new_s;
  std::vector<size_t> hits;
};

// The model writes "\n"; a CRLF file is matched with "\r\n" and keeps its CRLF endings.
Strings reconcile_line_endings(const std::string& content, const std::string& old_s,
                               const std::string& new_s) {
  Strings s{old_s, new_s, find_all(content, old_s)};
  const bool file_has_cr = content.find('\r') != std::string::npos;
  if (uses_crlf(content) && old_s.find('\r') == std::string::npos) {
    if (old_s.find('\n') != std::string::npos) {
      std::string converted = lf_to_crlf(old_s);
      auto hits = find_all(content, converted);
      if (!hits.empty() || s.hits.empty()) s = {converted, new_s, hits};
    }
    if (new_s.find('\r') == std::string::npos) s.new_s = lf_to_crlf(new_s);
  } else if (!file_has_cr && s.hits.empty() && old_s.find("\r\n") != std::string::npos) {
    auto strip = [](std::string t) {
      t.erase(std::remove(t.begin(), t.end(), '\r'), t.end());
      return t;
    };
    s = {strip(old_s), strip(new_s), {}};
    s.hits = find_all(content, s.old_s);
  }
  return s;
}

std::string not_found_message(const std::string& shown, const std::string& content,
                              const std::string& old_s) {
  std::string msg = "old_string was not found in " + shown + ".";
  auto hay = split_lines(content);
  auto needle = split_lines(old_s);
  auto w = closest_window(hay, needle);
  if (!w || w->similarity < 0.3) {
    return msg + " Nothing in the file resembles it; read_file shows the current content.";
  }
  std::string where = "lines " + std::to_string(w->first + 1) + "-" + std::to_string(w->first + w->count);
  if (w->similarity >= 0.999) {
    msg += " These " + where + " match it except for whitespace (indentation, tabs or trailing spaces):\n";
  } else {
    msg += " The most similar part of the file is " + where + " (" +
           std::to_string(static_cast<int>(w->similarity * 100)) + "% similar):\n";
  }
  msg += numbered_lines(hay, w->first, w->first + w->count);
  return msg + "Copy the text exactly as the file has it (without the line-number prefix).";
}

std::string ambiguous_message(const std::string& shown, const std::string& content,
                              const std::vector<size_t>& hits) {
  std::string lines;
  for (size_t i = 0; i < hits.size() && i < kMaxListedHits; ++i) {
    lines += (i ? ", " : "") + std::to_string(line_number_at(content, hits[i]));
  }
  if (hits.size() > kMaxListedHits) lines += ", ...";
  return "old_string occurs " + std::to_string(hits.size()) + " times in " + shown +
         " (at lines " + lines + "). Include more surrounding lines to make it unique, or set "
         "replace_all to change every occurrence.";
}

// The changed regions of the new content, with a few lines of context, numbered.
std::string changed_regions(const std::string& updated, const std::vector<size_t>& hits,
                            size_t old_len, size_t new_len) {
  auto lines = split_lines(updated);
  std::vector<std::pair<size_t, size_t>> ranges;  // 0-based [begin, end) line indexes
  // Line numbers are counted incrementally: replace_all may have made thousands of changes,
  // and only the first ones are shown.
  size_t counted_to = 0, line = 1, span = 0, done = 0;
  auto line_at = [&](size_t offset) {
    line += static_cast<size_t>(std::count(updated.begin() + static_cast<long>(counted_to),
                                           updated.begin() + static_cast<long>(offset), '\n'));
    counted_to = offset;
    return line;
  };
  for (; done < hits.size() && span <= kMaxShownLines; ++done) {
    size_t start = hits[done] + done * new_len - done * old_len;
    size_t first = line_at(start) - 1;
    size_t last = line_at(start + (new_len ? new_len - 1 : 0));
    size_t b = first > kContextLines ? first - kContextLines : 0;
    size_t e = std::min(lines.size(), last + kContextLines);
    if (!ranges.empty() && b <= ranges.back().second) {
      span += e > ranges.back().second ? e - ranges.back().second : 0;
      ranges.back().second = std::max(ranges.back().second, e);
    } else {
      span += e - b;
      ranges.emplace_back(b, e);
    }
  }
  std::string out;
  size_t shown = 0;
  for (const auto& [b, e] : ranges) {
    if (!out.empty()) out += "...\n";
    size_t take = std::min(e - b, kMaxShownLines - shown);
    out += numbered_lines(lines, b, b + take);
    shown += take;
    if (take < e - b) break;
  }
  if (shown < span || done < hits.size()) out += "[... the rest of the change is not shown; read_file shows it]\n";
  return out;
}

}  // namespace

namespace {

class EditFileTool final : public Tool {
 public:
  EditFileTool() {
    spec_.name = "edit_file";
    spec_.description =
        "Replace text in a file. old_string must match the file exactly (whitespace and "
        "indentation included, without read_file's line-number prefix) and occur exactly "
        "once, unless replace_all is true. Quote enough surrounding lines to make it unique. "
        "To create a file use write_file.";
    spec_.parameters = Json::parse(R"({
      "type": "object",
      "properties": {
        "path": {"type": "string", "description": "File path, relative to the repository root."},
        "old_string": {"type": "string", "description": "The exact text to replace."},
        "new_string": {"type": "string", "description": "The text to put in its place."},
        "replace_all": {"type": "boolean", "description": "Replace every occurrence (default false)."}
      },
      "required": ["path", "old_string", "new_string"],
      "additionalProperties": false
    })");
    spec_.mutating = true;
  }

  const ToolSpec& spec() const override { return spec_; }

  ToolOutput run(const Json& args, ToolContext& ctx) override {
    const std::string path_arg = args.at("path").get<std::string>();
    const std::string old_arg = args.at("old_string").get<std::string>();
    const std::string new_arg = args.at("new_string").get<std::string>();
    const bool replace_all = bool_arg_or(args, "replace_all", false);
    if (old_arg.empty()) {
      return ToolOutput::error("old_string is empty; quote the text to replace (to create a file, use write_file)");
    }
    if (old_arg == new_arg) return ToolOutput::error("old_string and new_string are the same; nothing would change");

    auto resolved = open_tool_path(ctx, path_arg, PathAccess::kWrite);
    if (!resolved.ok()) return ToolOutput::error(resolved.status().message());
    const PathAt& at = resolved->at;
    const std::string shown = display_path(ctx, at.abs);
    if (!resolved->exists) {
      std::string msg = shown + " does not exist";
      auto similar = similar_paths(ctx.workspace, shown);
      if (!similar.empty()) {
        msg += ". Similar files:";
        for (const auto& s : similar) msg += " " + s;
      }
      return ToolOutput::error(msg + "\n(to create a file, use write_file)");
    }
    const struct stat& st = resolved->st;
    if (S_ISDIR(st.st_mode)) return ToolOutput::error(shown + " is a folder, not a file");
    if (!S_ISREG(st.st_mode)) return ToolOutput::error(shown + " is not a regular file");
    auto content = read_file_at(at.dir.get(), at.name, ctx.limits.read_max_file_bytes, shown);
    if (!content.ok()) return ToolOutput::error("cannot read " + shown + ": " + content.status().message());
    if (looks_binary(*content)) {
      return ToolOutput::error(shown + " is a binary file (" + std::to_string(content->size()) +
                               " bytes); edit_file changes text files only");
    }
    return edit(ctx, at, shown, *content, reconcile_line_endings(*content, old_arg, new_arg),
                replace_all, st.st_mode & 07777);
  }

 private:
  static ToolOutput edit(const ToolContext& ctx, const PathAt& at, const std::string& shown,
                         const std::string& content, Strings s, bool replace_all, unsigned mode) {
    if (s.hits.empty()) return ToolOutput::error(not_found_message(shown, content, s.old_s));
    if (s.hits.size() > 1 && !replace_all) return ToolOutput::error(ambiguous_message(shown, content, s.hits));
    std::string updated = replace_all_at(content, s.hits, s.old_s.size(), s.new_s);
    if (updated.size() > ctx.limits.write_max_bytes) {
      return ToolOutput::error("the edited file would be " + std::to_string(updated.size()) +
                               " bytes, over the limit of " + std::to_string(ctx.limits.write_max_bytes));
    }
    Status written = replace_file_at(at.dir.get(), at.name, updated, mode, shown);
    if (!written.ok()) return ToolOutput::error("could not write " + shown + ": " + written.message());
    std::string head = "Edited " + shown + " (" + std::to_string(s.hits.size()) +
                       (s.hits.size() == 1 ? " replacement" : " replacements") + "):\n";
    ToolOutput out = ToolOutput::ok(head + changed_regions(updated, s.hits, s.old_s.size(), s.new_s.size()));
    out.details = Json{{"path", shown}, {"replacements", s.hits.size()}};
    return out;
  }

  ToolSpec spec_;
};

}  // namespace

std::unique_ptr<Tool> make_edit_file_tool() { return std::make_unique<EditFileTool>(); }

}  // namespace agent
