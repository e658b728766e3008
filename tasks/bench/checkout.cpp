#include "tasks/bench/checkout.h"

#include <git2.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <set>

#include "common/fs.h"
#include "tasks/bench/task.h"

namespace agent::bench {

namespace {

void init_libgit2() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

Status git_error(std::string_view what) {
  const ::git_error* e = git_error_last();
  return internal_error(std::string(what) + ": " + (e && e->message ? e->message : "unknown libgit2 error"));
}

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;
using Repo = Owned<git_repository, git_repository_free>;
using Odb = Owned<git_odb, git_odb_free>;
using Commit = Owned<git_commit, git_commit_free>;
using Tree = Owned<git_tree, git_tree_free>;
using TreeEntry = Owned<git_tree_entry, git_tree_entry_free>;
using Diff = Owned<git_diff, git_diff_free>;
using Reference = Owned<git_reference, git_reference_free>;

Result<Repo> open_repo(const fs::path& dir) {
  init_libgit2();
  git_repository* r = nullptr;
  if (git_repository_open_ext(&r, dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0) {
    return git_error("open " + dir.string());
  }
  return Repo(r);
}

struct BundleHeader {
  std::vector<std::pair<std::string, std::string>> refs;  // oid, name
  size_t pack_offset = 0;
};

Result<BundleHeader> parse_bundle_header(std::string_view data, const std::string& name) {
  BundleHeader h;
  size_t pos = data.find('\n');
  if (pos == std::string_view::npos) return invalid_argument(name + ": not a git bundle");
  std::string_view sig = data.substr(0, pos);
  bool v3 = sig == "# v3 git bundle";
  if (sig != "# v2 git bundle" && !v3) return invalid_argument(name + ": not a git bundle (no v2/v3 signature)");
  ++pos;
  while (true) {
    size_t end = data.find('\n', pos);
    if (end == std::string_view::npos) return invalid_argument(name + ": truncated bundle header");
    std::string_view line = data.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) break;
    if (v3 && line.front() == '@') {
      if (line.substr(0, 15) == "@object-format=" && line.substr(15) != "sha1") {
        return invalid_argument(name + ": only SHA-1 bundles are supported");
      }
      continue;
    }
    if (line.front() == '-') {
      return invalid_argument(name + ": the bundle needs commits it does not contain (made with a "
                              "range); recreate it with `git bundle create FILE --all`");
    }
    size_t sp = line.find(' ');
    if (sp != 40) return invalid_argument(name + ": bad ref line in bundle header");
    h.refs.emplace_back(std::string(line.substr(0, 40)), std::string(line.substr(41)));
  }
  h.pack_offset = pos;
  return h;
}

Status write_pack(git_repository* repo, std::string_view pack, const std::string& name) {
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, repo) != 0) return git_error("open object database");
  Odb odb(raw_odb);
  git_odb_writepack* wp = nullptr;
  if (git_odb_write_pack(&wp, odb.get(), nullptr, nullptr) != 0) return git_error("start pack");
  git_indexer_progress stats{};
  int rc = wp->append(wp, pack.data(), pack.size(), &stats);
  if (rc == 0) rc = wp->commit(wp, &stats);
  wp->free(wp);
  if (rc != 0) return git_error(name + ": read the bundle's pack");
  return ok_status();
}

}  // namespace

Status unpack_bundle(const fs::path& bundle, const fs::path& bare_dir) {
  init_libgit2();
  auto data = read_file(bundle, 16ull << 30);
  if (!data.ok()) return data.status();
  AGENT_ASSIGN_OR_RETURN(BundleHeader h, parse_bundle_header(*data, bundle.string()));
  git_repository* raw = nullptr;
  if (git_repository_init(&raw, bare_dir.c_str(), 1) != 0) return git_error("create " + bare_dir.string());
  Repo repo(raw);
  AGENT_RETURN_IF_ERROR(write_pack(repo.get(), std::string_view(*data).substr(h.pack_offset), bundle.string()));
  for (const auto& [hex, ref] : h.refs) {
    if (ref.rfind("refs/", 0) != 0) continue;  // HEAD: the refs below name the same commits
    git_oid oid;
    git_reference* r = nullptr;
    if (git_oid_fromstr(&oid, hex.c_str()) != 0 ||
        git_reference_create(&r, repo.get(), ref.c_str(), &oid, 1, "unpacked from bundle") != 0) {
      return git_error(bundle.string() + ": ref " + ref);
    }
    Reference owned(r);
  }
  return ok_status();
}

Result<fs::path> RepoSources::objects_dir(const std::string& repo_path) {
  std::mutex* gate = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = known_.find(repo_path);
    if (it != known_.end()) return it->second;
    auto& m = unpacking_[repo_path];
    if (!m) m = std::make_unique<std::mutex>();
    gate = m.get();
  }
  // One thread unpacks a given bundle; others wait for it instead of unpacking it again.
  std::lock_guard<std::mutex> gate_lock(*gate);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = known_.find(repo_path);
    if (it != known_.end()) return it->second;
  }
  std::error_code ec;
  fs::path src(repo_path);
  fs::path objects;
  if (fs::is_directory(src, ec)) {
    AGENT_ASSIGN_OR_RETURN(Repo repo, open_repo(src));
    objects = fs::path(git_repository_commondir(repo.get())) / "objects";
    if (!fs::is_directory(objects, ec)) return not_found("repo_path " + repo_path + ": no objects folder");
  } else if (fs::is_regular_file(src, ec)) {
    fs::path dest = cache_dir_ / (src.stem().string() + "-" + content_digest(repo_path).substr(0, 8) + ".git");
    if (!fs::is_directory(dest / "objects", ec)) {
      AGENT_RETURN_IF_ERROR(make_dirs(cache_dir_));
      fs::path tmp = dest;
      tmp += ".partial";
      fs::remove_all(tmp, ec);
      Status s = unpack_bundle(src, tmp);
      if (!s.ok()) return Status(s.code(), "repo_path " + repo_path + ": " + s.message());
      fs::rename(tmp, dest, ec);
      if (ec) return errno_status(ec.value(), "rename " + tmp.string());
    }
    objects = dest / "objects";
  } else {
    return not_found("repo_path " + repo_path + ": no such repository or bundle");
  }
  std::lock_guard<std::mutex> lock(mu_);
  known_[repo_path] = objects;
  return objects;
}

Status checkout_commit(const fs::path& objects_dir, const std::string& commit, const fs::path& dest) {
  init_libgit2();
  {
    git_repository* raw = nullptr;
    if (git_repository_init(&raw, dest.c_str(), 0) != 0) return git_error("create " + dest.string());
    Repo created(raw);
  }
  // Written before the repository is opened again, so its object database sees the alternates.
  AGENT_RETURN_IF_ERROR(write_file_atomic(dest / ".git/objects/info/alternates", objects_dir.string() + "\n"));
  AGENT_ASSIGN_OR_RETURN(Repo repo, open_repo(dest));
  git_oid oid;
  if (git_oid_fromstr(&oid, commit.c_str()) != 0) return invalid_argument("bad commit id \"" + commit + "\"");
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, repo.get(), &oid) != 0) {
    return not_found("base_commit " + commit + " is not in the task's repository");
  }
  Commit owned(c);
  if (git_repository_set_head_detached(repo.get(), &oid) != 0) return git_error("set HEAD to " + commit);
  git_checkout_options co = GIT_CHECKOUT_OPTIONS_INIT;
  co.checkout_strategy = GIT_CHECKOUT_FORCE;
  if (git_checkout_head(repo.get(), &co) != 0) return git_error("check out " + commit);
  return ok_status();
}

namespace {

// Whether `p` is `root` or below it (both canonical).
bool within(const fs::path& root, const fs::path& p) {
  auto q = p.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++q) {
    if (q == p.end() || *r != *q) return false;
  }
  return true;
}

}  // namespace

Status check_checkout_paths(const fs::path& workdir, const std::vector<std::string>& paths) {
  std::error_code ec;
  fs::path root = fs::weakly_canonical(workdir, ec);
  if (ec) return errno_status(ec.value(), "resolve " + workdir.string());
  for (const std::string& p : paths) {
    auto bad = [&](const char* why) { return invalid_argument("path " + quoted_for_message(p) + " " + why); };
    if (p.empty()) return invalid_argument("an empty file name");
    if (p.find('\0') != std::string::npos) return bad("holds a NUL byte");
    fs::path rel(p);
    if (rel.is_absolute()) return bad("is absolute (a patch names files inside the checkout)");
    fs::path norm = rel.lexically_normal();
    if (norm.empty() || norm == ".") return bad("names the checkout itself");
    if (*norm.begin() == "..") return bad("leads outside the checkout");
    for (const auto& part : norm) {
      if (part == ".git") return bad("is inside .git");
    }
    // The folder must stay inside the checkout once symbolic links are followed; the last
    // component may be a link (removing or rewriting it does not follow it).
    fs::path parent = fs::weakly_canonical(root / norm.parent_path(), ec);
    if (ec || !within(root, parent)) return bad("is below a symbolic link that leads outside the checkout");
  }
  return ok_status();
}

Status restore_paths(const fs::path& workdir, const std::vector<std::string>& paths) {
  AGENT_RETURN_IF_ERROR(check_checkout_paths(workdir, paths));
  AGENT_ASSIGN_OR_RETURN(Repo repo, open_repo(workdir));
  git_object* head = nullptr;
  if (git_revparse_single(&head, repo.get(), "HEAD^{tree}") != 0) return git_error("read HEAD");
  Tree tree(reinterpret_cast<git_tree*>(head));
  std::vector<std::string> in_head;
  for (const std::string& p : paths) {
    git_tree_entry* e = nullptr;
    if (git_tree_entry_bypath(&e, tree.get(), p.c_str()) == 0) {
      TreeEntry owned(e);
      in_head.push_back(p);
    } else {
      std::error_code ec;
      fs::remove(workdir / p, ec);
      if (ec) return errno_status(ec.value(), "remove " + (workdir / p).string());
    }
  }
  if (in_head.empty()) return ok_status();
  std::vector<char*> ptrs;
  for (auto& p : in_head) ptrs.push_back(p.data());
  git_checkout_options co = GIT_CHECKOUT_OPTIONS_INIT;
  co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH;
  co.paths.strings = ptrs.data();
  co.paths.count = ptrs.size();
  if (git_checkout_tree(repo.get(), reinterpret_cast<git_object*>(tree.get()), &co) != 0) {
    return git_error("restore files from HEAD");
  }
  return ok_status();
}

namespace {

// The name on a "--- " or "+++ " line, without the tab-separated timestamp `diff -u` adds.
std::string_view raw_name(std::string_view line) {
  line.remove_prefix(4);
  size_t tab = line.find('\t');
  if (tab != std::string_view::npos) line = line.substr(0, tab);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  return line;
}

// "b/x" -> "a/x" (and the other way), for the side /dev/null stands in for.
std::string other_side(std::string_view name, char side) {
  if (name.size() > 2 && (name[0] == 'a' || name[0] == 'b') && name[1] == '/') {
    return std::string(1, side) + std::string(name.substr(1));
  }
  return std::string(name);
}

}  // namespace

// Counts of a hunk header "@@ -a,b +c,d @@" (a missing count is 1); false if not one.
static bool hunk_counts(std::string_view line, long* old_n, long* new_n) {
  if (line.substr(0, 4) != "@@ -") return false;
  auto count_after = [&](char sign, long* n) {
    size_t p = line.find(sign, 3);
    if (p == std::string_view::npos) return false;
    size_t comma = line.find(',', p), space = line.find(' ', p);
    *n = comma != std::string_view::npos && comma < space ? std::atol(std::string(line.substr(comma + 1)).c_str()) : 1;
    return true;
  };
  return count_after('-', old_n) && count_after('+', new_n);
}

std::string with_git_headers(std::string_view patch) {
  std::string out;
  bool header = false;        // the current file section started with "diff --git"
  long old_left = 0, new_left = 0;  // lines of the current hunk still to come
  size_t start = 0;
  while (start < patch.size()) {
    size_t end = patch.find('\n', start);
    end = end == std::string_view::npos ? patch.size() : end + 1;
    std::string_view line = patch.substr(start, end - start);
    size_t next_end = patch.find('\n', end);
    std::string_view next = patch.substr(end, next_end == std::string_view::npos ? std::string_view::npos : next_end - end);
    start = end;
    if (old_left > 0 || new_left > 0) {  // hunk content, whatever it looks like
      char c = line.empty() ? ' ' : line[0];
      if (c != '+' && c != '\\') --old_left;
      if (c != '-' && c != '\\') --new_left;
      out += line;
      continue;
    }
    if (hunk_counts(line, &old_left, &new_left)) {
      out += line;
      continue;
    }
    if (line.substr(0, 11) == "diff --git ") header = true;
    if (line.substr(0, 4) == "--- " && next.substr(0, 4) == "+++ ") {
      if (!header) {
        std::string_view from = raw_name(line), to = raw_name(next);
        if (from == "/dev/null") {
          out += "diff --git " + other_side(to, 'a') + " " + std::string(to) + "\nnew file mode 100644\n";
        } else if (to == "/dev/null") {
          out += "diff --git " + std::string(from) + " " + other_side(from, 'b') + "\ndeleted file mode 100644\n";
        } else {
          out += "diff --git " + std::string(from) + " " + std::string(to) + "\n";
        }
      }
      header = false;  // the next file section needs its own
    }
    out += line;
  }
  return out;
}

Status git_apply_patch(const fs::path& workdir, std::string_view patch) {
  AGENT_ASSIGN_OR_RETURN(Repo repo, open_repo(workdir));
  // libgit2 reads only git-style diffs; `diff -u` output gets the headers git would print.
  std::string text = with_git_headers(patch);
  git_diff* raw = nullptr;
  if (git_diff_from_buffer(&raw, text.data(), text.size()) != 0) {
    return invalid_argument(git_error("parse the patch").message());
  }
  Diff diff(raw);
  if (git_apply(repo.get(), diff.get(), GIT_APPLY_LOCATION_WORKDIR, nullptr) != 0) {
    return failed_precondition(git_error("git apply").message());
  }
  return ok_status();
}

namespace {

// "a/src/x.c" -> "src/x.c" (without strip_prefix, as rename lines write it: kept); a C-quoted
// name is unquoted first; "/dev/null" -> "".
std::string diff_name(std::string_view s, bool strip_prefix = true) {
  size_t tab = s.find('\t');
  if (tab != std::string_view::npos) s = s.substr(0, tab);
  std::string name;
  if (!s.empty() && s.front() == '"') {
    for (size_t i = 1; i < s.size() && s[i] != '"'; ++i) {
      if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
          s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {  // octal: git's form for non-ASCII bytes
        name.push_back(static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
        i += 3;
      } else if (s[i] == '\\' && i + 1 < s.size()) {
        char e = s[++i];
        name.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e);
      } else {
        name.push_back(s[i]);
      }
    }
  } else {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
    name = std::string(s);
  }
  if (name == "/dev/null") return "";
  if (strip_prefix && name.size() > 2 && (name[0] == 'a' || name[0] == 'b') && name[1] == '/') name.erase(0, 2);
  return name;
}


// The two names of a "diff --git " line (after that prefix), each possibly C-quoted. Unquoted
// names may hold spaces: the split is where both halves name the same file, else at " b/".
std::vector<std::string> git_header_names(std::string_view rest) {
  auto quoted_end = [](std::string_view s) {  // one past the closing quote of s (s[0] == '"')
    for (size_t i = 1; i < s.size(); ++i) {
      if (s[i] == '\\') {
        ++i;
      } else if (s[i] == '"') {
        return i + 1;
      }
    }
    return s.size();
  };
  while (!rest.empty() && (rest.back() == '\r' || rest.back() == ' ')) rest.remove_suffix(1);
  size_t split = std::string_view::npos;
  if (!rest.empty() && rest.front() == '"') {
    split = quoted_end(rest);
  } else {
    for (size_t i = rest.find(' '); i != std::string_view::npos; i = rest.find(' ', i + 1)) {
      if (diff_name(rest.substr(0, i)) == diff_name(rest.substr(i + 1))) {
        split = i;
        break;
      }
    }
    if (split == std::string_view::npos) split = rest.find(" b/");
    if (split == std::string_view::npos) split = rest.find(' ');
  }
  if (split == std::string_view::npos || split >= rest.size()) return {diff_name(rest)};
  std::string_view second = rest.substr(split);
  while (!second.empty() && second.front() == ' ') second.remove_prefix(1);
  return {diff_name(rest.substr(0, split)), diff_name(second)};
}

}  // namespace

std::vector<std::string> diff_paths(std::string_view patch) {
  std::set<std::string> out;
  long old_left = 0, new_left = 0;  // lines of the current hunk still to come
  size_t start = 0;
  while (start < patch.size()) {
    size_t end = patch.find('\n', start);
    if (end == std::string_view::npos) end = patch.size();
    std::string_view line = patch.substr(start, end - start);
    start = end + 1;
    if (old_left > 0 || new_left > 0) {  // hunk content, whatever it looks like
      char c = line.empty() ? ' ' : line[0];
      if (c != '+' && c != '\\') --old_left;
      if (c != '-' && c != '\\') --new_left;
      continue;
    }
    if (hunk_counts(line, &old_left, &new_left)) continue;
    std::vector<std::string> names;
    if (line.substr(0, 4) == "--- " || line.substr(0, 4) == "+++ ") {
      names.push_back(diff_name(line.substr(4)));
    } else if (line.substr(0, 11) == "diff --git ") {
      names = git_header_names(line.substr(11));
    } else {
      for (std::string_view key : {"rename from ", "rename to ", "copy from ", "copy to "}) {
        if (line.substr(0, key.size()) == key) names.push_back(diff_name(line.substr(key.size()), false));
      }
    }
    for (auto& n : names) {
      if (!n.empty()) out.insert(std::move(n));
    }
  }
  return {out.begin(), out.end()};
}

}  // namespace agent::bench
