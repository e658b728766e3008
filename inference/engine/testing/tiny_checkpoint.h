// Test helper: writes tiny random DeepSeek V4 checkpoints with scripts/make_tiny_deepseek_v4.py
// (Debian's /usr/bin/python3 + numpy, or $AGENT_PYTHON) into a folder, once per process and preset.
// Thread-safety: not thread-safe (tests are single-threaded).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"

namespace agent::engine::testing {

struct TinyCheckpoint {
  std::filesystem::path folder;     // official layout (safetensors)
  std::filesystem::path gguf;       // F32 everything
  std::filesystem::path gguf_mxfp4; // F32 dense, MXFP4 routed experts
};

// `extra` are more generator arguments (e.g. {"--set", "index_topk=8"}); results are cached
// under `root` by preset + extra.
Result<TinyCheckpoint> make_tiny_checkpoint(const std::filesystem::path& root, const std::string& preset,
                                            const std::vector<std::string>& extra = {});

// The same, generated once per build tree and shared by test processes: under
// $AGENT_BINARY_DIR/engine-tiny-checkpoints/, keyed by the arguments and the generator's
// source, written to a temporary folder and renamed into place (concurrent processes never
// see a partial checkpoint). Read-only for callers: copy before damaging.
Result<TinyCheckpoint> shared_tiny_checkpoint(const std::string& preset, const std::vector<std::string>& extra = {});

// Runs the generator with arbitrary arguments.
Status run_generator(const std::vector<std::string>& args);

// The source tree (AGENT_SOURCE_DIR, set by ctest), or the compiled-in fallback.
std::filesystem::path source_dir();

// Deterministic pseudo-random token ids in [2, vocab).
std::vector<int32_t> random_tokens(int64_t n, int64_t vocab, uint64_t seed);

}  // namespace agent::engine::testing
