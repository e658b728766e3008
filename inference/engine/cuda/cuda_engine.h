// Opening the engine on a GPU. The weights' device footprint is measured before anything is
// allocated, by a dry run of the weight binding with a backend that only counts (every vector
// it would upload, every matrix place() would copy), so the memory plan is exact; then
// CudaOps reserves the plan or refuses it with the sizes.
// Thread-safety: stateless functions.
#pragma once

#include <filesystem>
#include <memory>

#include "common/status.h"
#include "inference/engine/cuda/memory_plan.h"
#include "inference/engine/cuda/weight_footprint.h"
#include "inference/engine/model/engine.h"

namespace agent::engine::cuda {

// EngineOptions::make_ops for the CUDA backend.
OpsFactory cuda_ops_factory(const CudaOptions& o);

// Engine::open with the CUDA backend.
Result<std::unique_ptr<Engine>> open_cuda_engine(const std::filesystem::path& path, const CudaOptions& o,
                                                 Numerics numerics);

}  // namespace agent::engine::cuda
