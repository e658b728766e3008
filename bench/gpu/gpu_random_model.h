// The GPU benchmark's model: random weights with V4-Flash's real tensor shapes and formats
// (FP8 e4m3 + 128x128 scales, FP4 experts + per-32 scales, bf16 compressors / router / embed /
// head, f32 mixing parameters), built directly in the CUDA backend's weights region (no file:
// the full model is larger than the GPU), with as many of Flash's layers as fit. And the
// hardware floors it is measured against: bytes per decoded token over HBM bandwidth, FLOPs
// per prefilled token over the FP8 matrix rate.
#pragma once

#include <cstdint>

#include "inference/engine/cuda/cuda_ops.h"
#include "inference/engine/model/model_weights.h"

namespace agent::bench {

// Flash's config cut to its first `layers` layers (schedule, hash layers and all).
engine::ModelConfig flash_layers(int64_t layers);
// The most of Flash's layers whose weights, KV/state and workspace fit in `free_bytes`.
int64_t layers_that_fit(size_t free_bytes, const engine::cuda::CudaOptions& o);
// Upper bound of the device bytes random_weights() takes (weights region size).
size_t random_model_bytes(const engine::ModelConfig& c);
// Random weights of every tensor, in the backend's memory.
engine::ModelWeights random_weights(engine::cuda::CudaOps& ops, const engine::ModelConfig& c, uint64_t seed);

// Bytes one decode step must read at least: every non-expert weight once, the routed experts
// in use (experts_per_step of them per layer), the embedding rows and the head once, and the
// KV state the step's tokens attend to at context `ctx` (f32, as the engine stores it).
double decode_step_bytes(const engine::ModelConfig& c, double experts_per_step, int64_t tokens, int64_t ctx);
// Expected distinct routed experts per layer for `tokens` tokens routed uniformly at random.
double distinct_experts(const engine::ModelConfig& c, int64_t tokens);
// FLOPs (2 per multiply-add) of prefilling positions [0, ctx): all linears, attention and
// the indexer's scores, as deepseek-v4-model.md 4.3 counts them.
double prefill_flops(const engine::ModelConfig& c, int64_t ctx);

}  // namespace agent::bench
