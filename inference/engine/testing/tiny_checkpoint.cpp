#include "inference/engine/testing/tiny_checkpoint.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>

namespace agent::engine::testing {

std::filesystem::path source_dir() {
  if (const char* s = std::getenv("AGENT_SOURCE_DIR")) return s;
  return AGENT_SOURCE_DIR_FALLBACK;
}

Status run_generator(const std::vector<std::string>& args) {
  // AGENT_PYTHON: another interpreter with numpy (a GPU machine without Debian's python3-numpy).
  const char* py = std::getenv("AGENT_PYTHON");
  std::vector<std::string> argv = {py && *py ? py : "/usr/bin/python3",
                                   (source_dir() / "scripts/make_tiny_deepseek_v4.py").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargs;
  for (auto& a : argv) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return internal_error("fork failed");
  if (pid == 0) {
    execv(cargs[0], cargs.data());
    _exit(127);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    return internal_error("make_tiny_deepseek_v4.py failed (status " + std::to_string(st) + ")");
  }
  return ok_status();
}

Result<TinyCheckpoint> make_tiny_checkpoint(const std::filesystem::path& root, const std::string& preset,
                                            const std::vector<std::string>& extra) {
  static std::map<std::string, TinyCheckpoint> cache;
  std::string key = root.string() + "|" + preset;
  for (const auto& e : extra) key += "_" + e;
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  std::string tag = preset + "-" + std::to_string(cache.size());
  TinyCheckpoint c{root / tag, root / (tag + ".gguf"), root / (tag + "-mxfp4.gguf")};
  std::vector<std::string> a = {"--preset", preset, "--safetensors", c.folder.string(), "--gguf", c.gguf.string()};
  a.insert(a.end(), extra.begin(), extra.end());
  AGENT_RETURN_IF_ERROR(run_generator(a));
  a = {"--preset", preset, "--gguf", c.gguf_mxfp4.string(), "--gguf-experts", "mxfp4"};
  a.insert(a.end(), extra.begin(), extra.end());
  AGENT_RETURN_IF_ERROR(run_generator(a));
  cache[key] = c;
  return c;
}

namespace {

// Folds the generator's sources into the cache key, so editing them regenerates.
uint64_t generator_hash() {
  uint64_t h = 1469598103934665603ull;
  for (const char* f : {"make_tiny_deepseek_v4.py", "tiny_v4_encodings.py", "tiny_v4_gguf.py", "tiny_v4_tokenizer.py"}) {
    std::ifstream in(source_dir() / "scripts" / f, std::ios::binary);
    for (char c; in.get(c);) h = (h ^ uint8_t(c)) * 1099511628211ull;
  }
  return h;
}

}  // namespace

Result<TinyCheckpoint> shared_tiny_checkpoint(const std::string& preset, const std::vector<std::string>& extra) {
  const char* bin = std::getenv("AGENT_BINARY_DIR");
  std::filesystem::path root = std::filesystem::path(bin ? bin : "/tmp") / "engine-tiny-checkpoints";
  std::string key = preset;
  for (const auto& e : extra) key += "_" + e;
  for (char& ch : key) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(generator_hash()));
  const auto dir = root / (key + "-" + hex);
  auto paths = [](const std::filesystem::path& d) {
    return TinyCheckpoint{d / "folder", d / "model.gguf", d / "model-mxfp4.gguf"};
  };
  std::error_code ec;
  if (std::filesystem::exists(dir / "DONE", ec)) return paths(dir);
  const auto tmp = root / (key + "-" + hex + ".tmp." + std::to_string(getpid()));
  std::filesystem::remove_all(tmp, ec);
  std::filesystem::create_directories(tmp, ec);
  TinyCheckpoint c = paths(tmp);
  std::vector<std::string> a = {"--preset", preset, "--safetensors", c.folder.string(), "--gguf", c.gguf.string()};
  a.insert(a.end(), extra.begin(), extra.end());
  AGENT_RETURN_IF_ERROR(run_generator(a));
  a = {"--preset", preset, "--gguf", c.gguf_mxfp4.string(), "--gguf-experts", "mxfp4"};
  a.insert(a.end(), extra.begin(), extra.end());
  AGENT_RETURN_IF_ERROR(run_generator(a));
  std::ofstream(tmp / "DONE") << "ok\n";
  std::filesystem::rename(tmp, dir, ec);
  if (ec) std::filesystem::remove_all(tmp, ec);  // another process finished first
  return paths(dir);
}

std::vector<int32_t> random_tokens(int64_t n, int64_t vocab, uint64_t seed) {
  std::mt19937_64 g(seed);
  std::vector<int32_t> t(static_cast<size_t>(n));
  for (auto& x : t) x = int32_t(2 + g() % uint64_t(vocab - 2));
  return t;
}

}  // namespace agent::engine::testing
