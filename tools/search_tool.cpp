// search: a regular expression over the repository's text files, like `rg -n`, one line at a
// time. The whole file is scanned with one RE2 search per match (not one per line), each hit
// then confirmed against its own line, so big files stay fast and `^`/`$` mean line start/end.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <re2/re2.h>

#include <algorithm>

#include "common/fs.h"
#include "common/text.h"
#include "tools/beneath.h"
#include "tools/builtin_tools.h"
#include "tools/file_at.h"
#include "tools/file_walker.h"
#include "tools/tool_args.h"
#include "tools/workspace_path.h"

namespace agent {

namespace {

constexpr size_t kMaxLineBytes = 300;  // of a matching line; long ones are cut around the match
constexpr size_t kLeadBytes = 100;     // kept before the match in a cut line

struct Counts {
  size_t matches = 0, shown = 0, files_with_matches = 0, binary = 0, too_big = 0;
};

// The part of a long line worth showing: around the match, on character boundaries.
std::string shown_line(std::string_view line, size_t column) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() <= kMaxLineBytes) return sanitize_utf8(line);
  size_t start = column > kLeadBytes ? column - kLeadBytes : 0;
  while (start > 0 && start < line.size() && (static_cast<unsigned char>(line[start]) & 0xC0) == 0x80) --start;
  std::string_view rest = line.substr(start);
  size_t keep = utf8_safe_prefix(rest, kMaxLineBytes);
  return (start > 0 ? "[...]" : "") + sanitize_utf8(rest.substr(0, keep)) + (keep < rest.size() ? "[...]" : "");
}

class FileSearch {
 public:
  FileSearch(const RE2& line_re, const RE2& text_re, size_t max_shown)
      : line_re_(line_re), text_re_(text_re), max_shown_(max_shown) {}

  // Appends "rel:line:text" for each matching line of `text` (until the output is full; later
  // matches are only counted).
  void scan(const std::string& rel, std::string_view text) {
    size_t pos = 0, line_no = 1, counted_to = 0;
    bool any = false;
    re2::StringPiece input(text.data(), text.size()), m;
    while (pos <= text.size() && text_re_.Match(input, pos, text.size(), RE2::UNANCHORED, &m, 1)) {
      size_t at = static_cast<size_t>(m.data() - text.data());
      if (at == text.size() && (text.empty() || text.back() == '\n')) break;  // no line there
      size_t ls = at == 0 ? std::string_view::npos : text.rfind('\n', at - 1);
      ls = ls == std::string_view::npos ? 0 : ls + 1;
      size_t le = std::min(text.find('\n', at), text.size());
      std::string_view line = text.substr(ls, le - ls);
      pos = le + 1;
      // A match running past the line end (\s matching '\n') must also match within the line.
      if (at + m.size() > le && !RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), line_re_)) continue;
      line_no += static_cast<size_t>(std::count(text.begin() + static_cast<long>(counted_to), text.begin() + static_cast<long>(ls), '\n'));
      counted_to = ls;
      any = true;
      ++counts.matches;
      if (counts.shown < max_shown_) {
        ++counts.shown;
        out += rel + ":" + std::to_string(line_no) + ":" + shown_line(line, at - ls) + "\n";
      }
    }
    if (any) ++counts.files_with_matches;
  }

  std::string out;
  Counts counts;

 private:
  const RE2& line_re_;
  const RE2& text_re_;
  size_t max_shown_;
};

std::string summary(const Counts& c, const std::string& pattern, const std::string& where,
                    uint64_t max_file_bytes) {
  std::string s;
  if (c.matches == 0) s += "No matches for /" + pattern + "/ in " + where + "\n";
  if (c.matches > c.shown) {
    s += "[... " + std::to_string(c.matches - c.shown) + " more matches not shown (" +
         std::to_string(c.matches) + " in " + std::to_string(c.files_with_matches) +
         " files); narrow the pattern, path or glob]\n";
  }
  if (c.too_big > 0) {
    s += "[" + std::to_string(c.too_big) + " files over " + std::to_string(max_file_bytes) +
         " bytes were not searched]\n";
  }
  if (c.matches == 0 && c.binary > 0) s += "[" + std::to_string(c.binary) + " binary files skipped]\n";
  return s;
}

}  // namespace

namespace {

class SearchTool final : public Tool {
 public:
  SearchTool() {
    spec_.name = "search";
    spec_.description =
        "Search the repository's text files for a regular expression (RE2 syntax, like "
        "ripgrep: no lookaround or backreferences; (?i) for case-insensitive). Prints "
        "path:line:text for every matching line, sorted by path. Respects .gitignore and skips "
        ".git and binary files. Narrow with path (a folder or file) and glob (e.g. \"*.py\", "
        "\"src/**/*.ts\").";
    spec_.parameters = Json::parse(R"({
      "type": "object",
      "properties": {
        "pattern": {"type": "string", "description": "Regular expression (RE2), matched against each line."},
        "path": {"type": "string", "description": "Folder or file to search, relative to the repository root (default: the whole repository)."},
        "glob": {"type": "string", "description": "Only files whose path matches this glob, e.g. \"*.py\" or \"src/**/*.ts\"."}
      },
      "required": ["pattern"],
      "additionalProperties": false
    })");
    spec_.mutating = false;
  }

  const ToolSpec& spec() const override { return spec_; }

  ToolOutput run(const Json& args, ToolContext& ctx) override {
    const std::string pattern = args.at("pattern").get<std::string>();
    if (pattern.empty()) return ToolOutput::error("the pattern is empty");
    RE2::Options opts;
    opts.set_log_errors(false);
    RE2 line_re(pattern, opts);
    if (!line_re.ok()) {
      return ToolOutput::error("invalid regular expression /" + pattern + "/: " + line_re.error() +
                               " (RE2 syntax: no lookaround or backreferences)");
    }
    RE2 text_re("(?m)" + pattern, opts);  // ^ and $ at every line
    if (!text_re.ok()) return ToolOutput::error("invalid regular expression /" + pattern + "/: " + text_re.error());

    auto start = resolve_start(ctx, string_arg_or(args, "path", "."));
    if (!start.ok()) return ToolOutput::error(start.status().message());
    std::optional<Glob> glob;
    if (has_arg(args, "glob")) {
      auto g = Glob::compile(args["glob"].get<std::string>());
      if (!g.ok()) return ToolOutput::error(g.status().message());
      glob = std::move(*g);
    }
    WalkOptions wo;
    wo.glob = glob ? &*glob : nullptr;
    wo.cancel = ctx.cancel;
    auto walked = walk_files(ctx.workspace, *start, wo);
    if (!walked.ok()) return ToolOutput::error(walked.status().message());

    FileSearch search(line_re, text_re, ctx.limits.search_max_matches);
    UniqueFd root(::open(ctx.workspace.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    for (const auto& f : walked->files) {
      if (ctx.cancel != nullptr && ctx.cancel->cancelled()) break;
      if (f.is_symlink) continue;  // never followed: it may lead out of the repository
      search_file(root.get(), f, ctx, search);
    }
    std::string where = display_path(ctx, *start) + (glob ? " (glob " + glob->pattern() + ")" : "");
    ToolOutput out = ToolOutput::ok(search.out + summary(search.counts, pattern, where, ctx.limits.read_max_file_bytes));
    if ((ctx.cancel != nullptr && ctx.cancel->cancelled()) || walked->cancelled) out.content += "[interrupted]\n";
    out.details = Json{{"matches", search.counts.matches},
                       {"files_with_matches", search.counts.files_with_matches},
                       {"files_searched", walked->files.size()}};
    return out;
  }

 private:
  static Result<fs::path> resolve_start(const ToolContext& ctx, const std::string& path) {
    AGENT_ASSIGN_OR_RETURN(ToolPath start, open_tool_path(ctx, path, PathAccess::kRead));
    fs::path abs = std::move(start.at.abs);
    if (!start.exists) return not_found(path + " does not exist");
    std::string shown = display_path(ctx, abs);
    if (!shown.empty() && shown[0] == '/') {
      return invalid_argument("search looks inside the repository; use read_file for " + path);
    }
    return abs;
  }

  static void search_file(int root, const WalkedFile& f, const ToolContext& ctx, FileSearch& search) {
    // Opened beneath the workspace following no symbolic link: one swapped in since the walk
    // listed the file is not read. O_NONBLOCK: nor is a FIFO.
    UniqueFd fd = open_beneath_no_symlinks(root, f.rel, O_RDONLY | O_NONBLOCK);
    struct stat st {};
    if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return;
    auto data = read_fd(fd.get(), ctx.limits.read_max_file_bytes, f.rel);
    if (!data.ok()) {
      if (data.status().code() == StatusCode::kResourceExhausted) ++search.counts.too_big;
      return;
    }
    if (looks_binary(*data)) {
      ++search.counts.binary;
      return;
    }
    search.scan(f.rel, *data);
  }

  ToolSpec spec_;
};

}  // namespace

std::unique_ptr<Tool> make_search_tool() { return std::make_unique<SearchTool>(); }

}  // namespace agent
