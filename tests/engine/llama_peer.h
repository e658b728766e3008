// llama.cpp as a peer implementation, for the cross-check test and the benchmark: finds the
// node-llama-cpp install (tests/npm/llama/node_modules), extracts llama.h from its source
// bundle, compiles tests/engine/llama_harness.cpp against it and runs that harness (a
// separate process, linked to the prebuilt CPU libllama).
// Thread-safety: prepare() once per process; runs are independent processes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"

namespace agent::engine::testing {

struct ProcessResult {
  int exit_code = -1;
  long peak_rss_kb = 0;  // of the child (wait4 rusage)
  std::string output;    // stdout + stderr
};

// Runs argv (argv[0] a path) with extra environment entries ("K=V"), waits, captures output.
Result<ProcessResult> run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});

struct LlamaBench {
  double prefill_s = 0, decode_s = 0;
  long peak_rss_kb = 0;
};

class LlamaPeer {
 public:
  // `work` is a folder for the extracted sources and the harness (reused between runs).
  static Result<LlamaPeer> prepare(const std::filesystem::path& work);
  // Logits [n, vocab] of every prompt position.
  Result<std::vector<float>> logits(const std::filesystem::path& gguf, const std::vector<int32_t>& tokens,
                                    int64_t vocab, int threads, int ubatch) const;
  Result<LlamaBench> bench(const std::filesystem::path& gguf, const std::vector<int32_t>& tokens, int threads,
                           int n_decode) const;
  const std::string& version() const { return version_; }

 private:
  std::filesystem::path harness_, bins_, work_;
  std::string version_;
};

}  // namespace agent::engine::testing
