#include "tests/engine/llama_peer.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>

#include "common/fs.h"
#include "inference/engine/testing/tiny_checkpoint.h"

extern char** environ;

namespace agent::engine::testing {

Result<ProcessResult> run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  auto out_dir = TempDir::create("agent-proc-");
  if (!out_dir.ok()) return out_dir.status();
  std::string out_path = (out_dir->path() / "out").string();
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) envs.emplace_back(*e);
  envs.insert(envs.end(), env.begin(), env.end());
  std::vector<std::string> args = argv;
  std::vector<char*> a, ev;
  for (auto& s : args) a.push_back(s.data());
  a.push_back(nullptr);
  for (auto& s : envs) ev.push_back(s.data());
  ev.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return internal_error("fork failed");
  if (pid == 0) {
    int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    execve(a[0], a.data(), ev.data());
    _exit(127);
  }
  int st = 0;
  struct rusage ru {};
  if (wait4(pid, &st, 0, &ru) < 0) return internal_error("wait4 failed");
  ProcessResult r;
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  r.peak_rss_kb = ru.ru_maxrss;
  r.output = read_file(out_path).value_or("");
  return r;
}

Result<LlamaPeer> LlamaPeer::prepare(const std::filesystem::path& work) {
  const auto npm = source_dir() / "tests/npm/llama/node_modules";
  LlamaPeer p;
  p.work_ = work;
  p.bins_ = npm / "@node-llama-cpp/linux-x64/bins/linux-x64";
  const auto bundle = npm / "node-llama-cpp/llama/gitRelease.bundle";
  if (!std::filesystem::exists(p.bins_ / "libllama.v0.5.0.so") || !std::filesystem::exists(bundle)) {
    return failed_precondition("node-llama-cpp 3.22.1 is not installed under " + npm.string() +
                               ": run scripts/setup-test-deps.sh");
  }
  p.version_ = "llama.cpp v0.5.0 (node-llama-cpp 3.22.1, prebuilt linux-x64 CPU)";
  AGENT_RETURN_IF_ERROR(make_dirs(work));
  const auto src = work / "llama-src";
  if (!std::filesystem::exists(src / "include/llama.h")) {
    // Clone into a fresh folder, then move it in place: concurrent runs never see half a tree.
    auto tmp = work / ("llama-src.tmp." + std::to_string(getpid()));
    std::filesystem::remove_all(tmp);
    AGENT_ASSIGN_OR_RETURN(auto r, run_process({"/usr/bin/git", "clone", "-q", bundle.string(), tmp.string()}));
    if (r.exit_code != 0) return internal_error("git clone of the llama.cpp bundle failed: " + r.output);
    std::error_code ec;
    std::filesystem::rename(tmp, src, ec);
    if (ec) std::filesystem::remove_all(tmp);
  }
  p.harness_ = work / "llama_harness";
  if (!std::filesystem::exists(p.harness_)) {
    auto tmp = work / ("llama_harness.tmp." + std::to_string(getpid()));
    AGENT_ASSIGN_OR_RETURN(
        auto r, run_process({AGENT_CXX_COMPILER, "-std=c++17", "-O2", "-I", (src / "include").string(), "-I",
                             (src / "ggml/include").string(), (source_dir() / "tests/engine/llama_harness.cpp").string(),
                             "-o", tmp.string(), "-L", p.bins_.string(), "-l:libllama.v0.5.0.so",
                             "-l:libggml.v0.5.0.so", "-l:libggml-base.so", "-Wl,-rpath," + p.bins_.string()}));
    if (r.exit_code != 0) return internal_error("compiling the llama.cpp harness failed:\n" + r.output);
    std::filesystem::rename(tmp, p.harness_);
  }
  return p;
}

namespace {

Status write_tokens(const std::filesystem::path& p, const std::vector<int32_t>& t) {
  return write_file_atomic(p, std::string_view(reinterpret_cast<const char*>(t.data()), t.size() * 4));
}

}  // namespace

Result<std::vector<float>> LlamaPeer::logits(const std::filesystem::path& gguf, const std::vector<int32_t>& tokens,
                                             int64_t vocab, int threads, int ubatch) const {
  AGENT_ASSIGN_OR_RETURN(auto dir, TempDir::create("agent-llama-"));
  AGENT_RETURN_IF_ERROR(write_tokens(dir.path() / "tokens.bin", tokens));
  auto out = dir.path() / "logits.bin";
  AGENT_ASSIGN_OR_RETURN(auto r, run_process({harness_.string(), "logits", gguf.string(),
                                              (dir.path() / "tokens.bin").string(), out.string(),
                                              std::to_string(threads), std::to_string(ubatch)},
                                             {"LLAMA_BACKEND_DIR=" + bins_.string()}));
  if (r.exit_code != 0) return internal_error("llama harness exited " + std::to_string(r.exit_code) + ": " + r.output);
  AGENT_ASSIGN_OR_RETURN(std::string bytes, read_file(out));
  if (bytes.size() != tokens.size() * size_t(vocab) * 4) {
    return internal_error("llama harness wrote " + std::to_string(bytes.size()) + " bytes of logits");
  }
  std::vector<float> l(bytes.size() / 4);
  std::memcpy(l.data(), bytes.data(), bytes.size());
  return l;
}

Result<LlamaBench> LlamaPeer::bench(const std::filesystem::path& gguf, const std::vector<int32_t>& tokens, int threads,
                                    int n_decode) const {
  AGENT_ASSIGN_OR_RETURN(auto dir, TempDir::create("agent-llama-"));
  AGENT_RETURN_IF_ERROR(write_tokens(dir.path() / "tokens.bin", tokens));
  AGENT_ASSIGN_OR_RETURN(auto r, run_process({harness_.string(), "bench", gguf.string(),
                                              (dir.path() / "tokens.bin").string(), std::to_string(threads),
                                              std::to_string(n_decode)},
                                             {"LLAMA_BACKEND_DIR=" + bins_.string()}));
  LlamaBench b;
  const size_t at = r.output.find("prefill_s ");
  if (r.exit_code != 0 || at == std::string::npos ||
      std::sscanf(r.output.c_str() + at, "prefill_s %lf decode_s %lf", &b.prefill_s, &b.decode_s) != 2) {
    return internal_error("llama harness bench failed (" + std::to_string(r.exit_code) + "): " + r.output);
  }
  b.peak_rss_kb = r.peak_rss_kb;
  return b;
}

}  // namespace agent::engine::testing
