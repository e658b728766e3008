// The bytes a checkpoint's weights take in the CUDA backend's weights region, measured by a
// dry run of bind_weights with a backend that computes nothing and counts what it would hold
// (vectors as f32, matrices as place() keeps them): exact by construction, whatever tensors
// the binder reads. Host-only (no CUDA).
// Thread-safety: stateless.
#pragma once

#include <cstddef>

#include "common/status.h"
#include "inference/engine/model/model_weights.h"

namespace agent::engine::cuda {

Result<size_t> device_weight_bytes(const ModelConfig& cfg, const TensorSource& src);

}  // namespace agent::engine::cuda
