#include "tasks/run_folder.h"

#include <cstdlib>
#include <ctime>

#include "common/fs.h"
#include "common/ids.h"

namespace agent::cli {

namespace fs = std::filesystem;

namespace {

Result<fs::path> default_runs_root() {
  const char* xdg = std::getenv("XDG_STATE_HOME");
  if (xdg != nullptr && *xdg == '/') return fs::path(xdg) / "agent" / "runs";
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home != '/') {
    return invalid_argument("neither XDG_STATE_HOME nor HOME is set to an absolute path; pass --out DIR");
  }
  return fs::path(home) / ".local" / "state" / "agent" / "runs";
}

bool is_within(const fs::path& p, const fs::path& root) {
  auto [r, _] = std::mismatch(root.begin(), root.end(), p.begin(), p.end());
  return r == root.end();
}

}  // namespace

Result<fs::path> prepare_run_folder(const std::string& out_flag, const fs::path& repo) {
  fs::path out;
  if (!out_flag.empty()) {
    out = fs::absolute(out_flag).lexically_normal();
  } else {
    AGENT_ASSIGN_OR_RETURN(fs::path root, default_runs_root());
    std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::gmtime(&now));
    out = root / (std::string(stamp) + "-" + new_id("").substr(0, 6));
  }
  std::error_code ec;
  fs::path real = fs::weakly_canonical(out, ec);
  if (ec) return invalid_argument("--out " + out.string() + ": " + ec.message());
  if (is_within(real, repo)) {
    return invalid_argument("--out " + out.string() +
                            " is inside the repository; the run folder must be outside it");
  }
  auto empty = dir_is_empty_or_missing(real);
  if (!empty.ok()) return invalid_argument("--out " + out.string() + ": " + empty.status().message());
  if (!*empty) {
    return invalid_argument("--out " + out.string() +
                            " already exists and is not empty; choose a new folder (or use agent resume)");
  }
  AGENT_RETURN_IF_ERROR(make_dirs(real));
  return fs::canonical(real);
}

}  // namespace agent::cli
