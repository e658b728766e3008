#include "inference/engine/cuda/cuda_engine.h"

#include "inference/engine/cuda/cuda_ops.h"

namespace agent::engine::cuda {

OpsFactory cuda_ops_factory(const CudaOptions& o) {
  return [o](const ModelConfig& cfg, const TensorSource& src) -> Result<std::unique_ptr<Ops>> {
    AGENT_ASSIGN_OR_RETURN(size_t weights, device_weight_bytes(cfg, src));
    AGENT_ASSIGN_OR_RETURN(auto ops, CudaOps::create(cfg, weights, o));
    return std::unique_ptr<Ops>(std::move(ops));
  };
}

Result<std::unique_ptr<Engine>> open_cuda_engine(const std::filesystem::path& path, const CudaOptions& o,
                                                 Numerics numerics) {
  EngineOptions eo;
  eo.numerics = numerics;
  return Engine::open(path, eo, cuda_ops_factory(o));
}

}  // namespace agent::engine::cuda
