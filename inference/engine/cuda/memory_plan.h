// The CUDA backend's memory plan: every byte it will hold is computed at load, from the config
// and the checkpoint, before anything is allocated, and taken from the device in three
// regions (weights, sequence state, forward workspace). A plan that does not fit is refused
// with the sizes involved instead of failing half-way through loading.
//
// Pure host arithmetic (no CUDA): tested on any machine (memory_plan_test.cpp), including the
// census of the real V4-Flash and V4-Pro checkpoints against deepseek-v4-model.md 3.3.
// Thread-safety: pure functions and plain values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/status.h"
#include "inference/engine/model/config.h"
#include "inference/engine/ops/weight_matrix.h"

namespace agent::engine::cuda {

inline constexpr size_t kAlign = 256;  // every device allocation: cudaMalloc's alignment
inline constexpr size_t kMiB = size_t(1) << 20, kGiB = size_t(1) << 30;
inline size_t align_up(size_t b) { return (b == 0 ? kAlign : (b + kAlign - 1) / kAlign * kAlign); }

struct CudaOptions {
  int device = 0;
  int64_t max_tokens_per_forward = 512;  // the workspace holds one forward of this many tokens
  int64_t kv_tokens = 65536;             // sequence state budget: context tokens, all sequences
  bool graphs = true;                    // record small forwards as CUDA graphs and replay them
  int64_t graph_max_tokens = 8;          // forwards of up to this many tokens are recorded
  bool use_cublaslt = true;              // FP8 block-scaled GEMMs through cuBLASLt where it can
  size_t headroom_bytes = 768 * kMiB;    // left free: CUDA context, cuBLASLt, graphs, the driver
  size_t cublaslt_workspace = 32 * kMiB;
};

struct MemoryPlan {
  size_t weights = 0;     // matrices as stored (+ f32 block scales) and f32 vectors
  size_t sequences = 0;   // window rings, compressed KV, indexer keys, compressor states
  size_t workspace = 0;   // activations of the largest forward and the kernels' scratch
  size_t headroom = 0;    // not allocated by us, but needed free
  int64_t kv_tokens = 0, max_tokens = 0;
  size_t total() const { return weights + sequences + workspace + headroom; }
  // "weights 12.30 GiB + KV/state 1.25 GiB (65536 tokens) + workspace 0.80 GiB (512-token
  // forwards) + headroom 0.75 GiB = 15.10 GiB"
  std::string describe() const;
};

std::string gib(size_t bytes);  // "12.30 GiB"

// Bytes CudaOps::place keeps for `w`: the rows as stored plus its scales (FP8 block scales
// as f32, which is what cuBLASLt's 128x128 scaling reads; FP4 group scales as stored).
size_t placed_bytes(const WeightMatrix& w);
// Bytes Engine::new_sequence allocates for one sequence of `tokens` context.
size_t sequence_bytes(const ModelConfig& c, int64_t tokens);
// Upper bound of what one forward of `max_tokens` tokens allocates: the Forward's arrays
// (model/forward.h, attention_block.cpp, moe_block.cpp) plus CudaOps' own scratch.
size_t workspace_bytes(const ModelConfig& c, int64_t max_tokens, size_t cublaslt_workspace);
// Upper bounds the kernels' scratch is cut to (the ops split their work to stay inside).
inline constexpr int64_t kMaxAttentionPartials = 16384;   // (row, head, split) triples
inline constexpr size_t kIndexerScoreBytes = 64 * kMiB;   // scores of one chunk of rows

MemoryPlan plan_memory(const ModelConfig& c, size_t weights, const CudaOptions& o);
// OK, or ResourceExhausted naming every part of the plan and the device's memory.
Status check_fits(const MemoryPlan& p, size_t device_free, size_t device_total, const std::string& device);

// The official checkpoint implied by a config (deepseek-v4-model.md 3.2): tensor count and
// bytes, with or without the MTP layer, and the split between routed experts and the rest.
struct CheckpointCensus {
  int64_t tensors = 0;
  int64_t bytes = 0;
  int64_t routed_expert_bytes = 0;  // all layers, all experts
  int64_t expert_bytes = 0;         // one routed expert of one layer (w1, w2, w3 + scales)
  int64_t head_bytes = 0;           // the lm head
};
CheckpointCensus official_census(const ModelConfig& c, bool with_mtp);

// V4-Flash and V4-Pro as published (deepseek-v4-model.md 1.1), for the benchmark and tests.
ModelConfig flash_config();
ModelConfig pro_config();

}  // namespace agent::engine::cuda
