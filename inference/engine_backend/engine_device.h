// Where the embedded engine runs: `--device cpu` (the reference backend, every build) or
// `--device cuda[:N]` (the CUDA backend, in builds configured with nvcc; docs/engine-cuda.md).
// Used by `agent generate` and `agent solve --backend engine`.
// Thread-safety: stateless functions.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "inference/engine/model/engine.h"

namespace agent {

struct EngineDevice {
  bool cuda = false;
  int index = 0;  // CUDA device ordinal
  std::string to_string() const;
};

// "cpu", "cuda" (= cuda:0) or "cuda:N"; anything else is an InvalidArgument naming the value.
Result<EngineDevice> parse_engine_device(std::string_view text);

// Whether this build has the CUDA backend compiled in.
bool engine_cuda_built();

// Engine::open on the device. `context_tokens` sizes the GPU's sequence-state budget (the CPU
// allocates per sequence). Without the CUDA backend in this build, or without a usable GPU,
// the error says so (Unavailable).
Result<std::unique_ptr<engine::Engine>> open_engine_on(const std::filesystem::path& weights,
                                                       const EngineDevice& device,
                                                       const engine::EngineOptions& options,
                                                       int64_t context_tokens);

}  // namespace agent
