// read_file: a range of a text file's lines, numbered like `cat -n`.
//
// The file is streamed in chunks: only the requested lines are kept, each cut to a bounded
// length, so a multi-gigabyte log or a one-line minified bundle costs memory in proportion to
// what is shown. Lines after the range are only counted (for the "of N" in the trailer), and
// not even that in files over read_max_file_bytes.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/text.h"
#include "tools/builtin_tools.h"
#include "tools/similar_paths.h"
#include "tools/text_lines.h"
#include "tools/tool_args.h"
#include "tools/workspace_path.h"

namespace agent {

namespace {

// Longer lines are cut; minified code says what it is in its first 4 KiB.
constexpr size_t kMaxLineBytes = 4096;

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

struct Range {
  uint64_t first = 1;  // 1-based
  uint64_t limit = 0;
  size_t max_bytes = 0;
};

// What a streamed read of one range found.
struct RangeRead {
  std::string text;         // the numbered lines
  uint64_t shown_first = 0, shown_last = 0;
  uint64_t total_lines = 0;  // lines seen; the file's count when `complete`
  bool complete = false;     // read to the end of the file
  bool byte_limited = false;
  size_t crlf_lines = 0;
};

class RangeReader {
 public:
  RangeReader(Range range, bool count_to_end) : range_(range), count_to_end_(count_to_end) {}

  // Feeds one chunk; returns false once nothing more is needed from the file.
  bool feed(std::string_view chunk) {
    while (!chunk.empty()) {
      size_t nl = chunk.find('\n');
      std::string_view seg = chunk.substr(0, nl == std::string_view::npos ? chunk.size() : nl);
      if (in_range(r_.total_lines + 1) && line_.size() < kMaxLineBytes + 4) {
        line_.append(seg.substr(0, kMaxLineBytes + 4 - line_.size()));
      }
      line_bytes_ += seg.size();
      if (nl == std::string_view::npos) break;
      end_line();
      chunk.remove_prefix(nl + 1);
      if (past_range() && !count_to_end_) return false;
    }
    return true;
  }

  RangeRead finish(bool at_eof) {
    if (at_eof) {
      if (line_bytes_ > 0) end_line();
      r_.complete = true;
    }
    return std::move(r_);
  }

 private:
  bool in_range(uint64_t n) const {
    return !r_.byte_limited && n >= range_.first && n - range_.first < range_.limit;
  }
  bool past_range() const {
    return r_.byte_limited || r_.total_lines >= range_.first + range_.limit - 1;
  }

  void end_line() {
    uint64_t n = ++r_.total_lines;
    if (in_range(n)) show(n);
    line_.clear();
    line_bytes_ = 0;
  }

  void show(uint64_t n) {
    std::string s;
    if (line_bytes_ > kMaxLineBytes) {
      std::string_view kept(line_.data(), utf8_safe_prefix(line_, kMaxLineBytes));
      s = numbered_line(n, kept, kMaxLineBytes);
      s.pop_back();
      s += " [... " + std::to_string(line_bytes_ - kept.size()) + " more bytes on this line]\n";
    } else {
      s = numbered_line(n, line_, kMaxLineBytes);
      if (!line_.empty() && line_.back() == '\r') ++r_.crlf_lines;
    }
    // Always show at least one line, whatever the byte budget, so every call makes progress.
    if (r_.shown_first != 0 && r_.text.size() + s.size() > range_.max_bytes) {
      r_.byte_limited = true;
      return;
    }
    if (r_.shown_first == 0) r_.shown_first = n;
    r_.shown_last = n;
    r_.text += s;
  }

  Range range_;
  bool count_to_end_;
  RangeRead r_;
  std::string line_;        // the current line, cut to a little over kMaxLineBytes
  uint64_t line_bytes_ = 0;  // its full length
};

Result<RangeRead> stream_range(int fd, const Range& range, bool count_to_end,
                               std::string_view first_chunk) {
  RangeReader reader(range, count_to_end);
  if (!reader.feed(first_chunk)) return reader.finish(false);
  std::string buf(1 << 16, '\0');
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_status(errno, "read");
    if (n == 0) return reader.finish(true);
    if (!reader.feed(std::string_view(buf.data(), static_cast<size_t>(n)))) {
      return reader.finish(false);
    }
  }
}

std::string trailer(const RangeRead& r, uint64_t file_bytes, size_t max_bytes) {
  std::string of = r.complete ? " of " + std::to_string(r.total_lines)
                              : " of a " + std::to_string(file_bytes) +
                                    "-byte file (too big to count its lines)";
  std::string why = r.byte_limited ? " (output limit of " + std::to_string(max_bytes) +
                                         " bytes reached)" : "";
  return "[lines " + std::to_string(r.shown_first) + "-" + std::to_string(r.shown_last) + of +
         why + "; call again with offset=" + std::to_string(r.shown_last + 1) + "]\n";
}

class ReadFileTool final : public Tool {
 public:
  ReadFileTool() {
    spec_.name = "read_file";
    spec_.description =
        "Read a text file of the repository, with line numbers (cat -n style: number, tab, "
        "text). Returns at most 2000 lines per call; the trailer says how to continue "
        "(offset=...). Use offset and limit to read part of a large file. Paths are relative "
        "to the repository root. Binary files are refused.";
    spec_.parameters = Json::parse(R"({
      "type": "object",
      "properties": {
        "path": {"type": "string", "description": "File path, relative to the repository root."},
        "offset": {"type": "integer", "description": "First line to read, 1-based (default 1)."},
        "limit": {"type": "integer", "description": "Number of lines to read (default and maximum 2000)."}
      },
      "required": ["path"],
      "additionalProperties": false
    })");
    spec_.mutating = false;
  }

  const ToolSpec& spec() const override { return spec_; }

  ToolOutput run(const Json& args, ToolContext& ctx) override {
    const std::string path_arg = args.at("path").get<std::string>();
    const int64_t offset = optional_int_arg(args, "offset").value_or(1);
    const int64_t limit = optional_int_arg(args, "limit").value_or(static_cast<int64_t>(ctx.limits.read_default_lines));
    if (offset < 1) return ToolOutput::error("offset must be 1 or more (the first line of a file is line 1)");
    if (limit < 1) return ToolOutput::error("limit must be 1 or more");
    Range range;
    range.first = static_cast<uint64_t>(offset);
    range.limit = std::min<uint64_t>(static_cast<uint64_t>(limit), ctx.limits.read_default_lines);
    range.max_bytes = ctx.limits.read_max_bytes;

    auto resolved = open_tool_path(ctx, path_arg, PathAccess::kRead);
    if (!resolved.ok()) return ToolOutput::error(resolved.status().message());
    const PathAt& at = resolved->at;
    const std::string shown = display_path(ctx, at.abs);
    if (!resolved->exists) return open_error(ctx, ENOENT, at.abs, shown);
    Fd f;
    // O_NONBLOCK: opening a FIFO must not hang the run; it is refused below. O_NOFOLLOW: a
    // symbolic link put there since it was resolved is not followed.
    f.fd = at.name.empty() ? ::fcntl(at.dir.get(), F_DUPFD_CLOEXEC, 0)
                           : ::openat(at.dir.get(), at.name.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (f.fd < 0) return open_error(ctx, errno, at.abs, shown);
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) return ToolOutput::error("cannot stat " + shown + ": " + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) {
      return ToolOutput::error(shown + " is a folder, not a file; use list_files to see what it holds");
    }
    if (!S_ISREG(st.st_mode)) {
      return ToolOutput::error(shown + " is not a regular file (a FIFO, socket or device); read_file reads files");
    }
    return read_range(f.fd, ctx, shown, static_cast<uint64_t>(st.st_size), range);
  }

 private:
  static ToolOutput open_error(const ToolContext& ctx, int err, const std::filesystem::path& abs,
                               const std::string& shown) {
    if (err != ENOENT && err != ENOTDIR) {
      return ToolOutput::error("cannot open " + shown + ": " + std::strerror(err));
    }
    std::string msg = shown + " does not exist";
    if (abs.string().rfind(ctx.workspace.string(), 0) == 0) {
      auto similar = similar_paths(ctx.workspace, shown);
      if (!similar.empty()) {
        msg += ". Similar files:";
        for (const auto& s : similar) msg += " " + s;
      }
    }
    return ToolOutput::error(msg + "\n(use list_files or search to find files)");
  }

  static ToolOutput read_range(int fd, const ToolContext& ctx, const std::string& shown,
                               uint64_t size, const Range& range) {
    std::string head(8192, '\0');
    ssize_t n;
    do {
      n = ::read(fd, head.data(), head.size());
    } while (n < 0 && errno == EINTR);
    if (n < 0) return ToolOutput::error("cannot read " + shown + ": " + std::strerror(errno));
    head.resize(static_cast<size_t>(n));
    if (looks_binary(head)) {
      return ToolOutput::error(shown + " is a binary file (" + std::to_string(size) +
                               " bytes); read_file shows text only (try `xxd` or `file` in the shell)");
    }
    const bool count_to_end = size <= ctx.limits.read_max_file_bytes;
    auto read = stream_range(fd, range, count_to_end, head);
    if (!read.ok()) return ToolOutput::error("cannot read " + shown + ": " + read.status().message());
    RangeRead& r = *read;
    if (r.shown_first == 0) {
      if (r.total_lines == 0 && range.first == 1) return ToolOutput::ok(shown + " is empty (0 bytes)\n");
      return ToolOutput::error("offset " + std::to_string(range.first) + " is past the end of " + shown +
                               ", which has " + std::to_string(r.total_lines) + " lines");
    }
    ToolOutput out = ToolOutput::ok(std::move(r.text));
    const bool more = !r.complete || r.shown_last < r.total_lines;
    if (more) out.content += trailer(r, size, range.max_bytes);
    if (r.crlf_lines * 2 > r.shown_last - r.shown_first + 1) {
      out.content += "[this file uses CRLF (\\r\\n) line endings; they are not shown]\n";
    }
    out.details = Json{{"path", shown}, {"first_line", r.shown_first}, {"last_line", r.shown_last},
                       {"total_lines", r.complete ? Json(r.total_lines) : Json(nullptr)},
                       {"truncated", more}};
    return out;
  }

  ToolSpec spec_;
};

}  // namespace

std::unique_ptr<Tool> make_read_file_tool() { return std::make_unique<ReadFileTool>(); }

}  // namespace agent
