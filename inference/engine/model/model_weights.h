// The model's weights bound to the tensors of a checkpoint: every tensor the config implies is
// looked up by name, its dtype and shape checked against the config, and either used in place
// (matrices: views into the file mapping) or converted once to f32 (small vectors: norms,
// hyper-connection parameters, sinks, biases, hash tables) in backend memory.
//
// Two naming layouts: the official release (layers.L.attn.wq_a.weight + .scale, FP8/FP4) and
// llama.cpp's deepseek4 GGUF (blk.L.attn_q_a.weight, experts stacked per layer).
// Any mismatch is an error naming the tensor: missing, unexpected (not implied by the config),
// wrong dtype or wrong shape.
// Thread-safety: immutable after binding.
#pragma once

#include <vector>

#include "common/status.h"
#include "inference/engine/model/config.h"
#include "inference/engine/ops/buffer.h"
#include "inference/engine/weights/tensor.h"

namespace agent::engine {

enum class WeightLayout { kOfficial, kGguf };

struct LayerWeights {
  int64_t ratio = 0;
  DeviceArray<float> attn_norm, ffn_norm;                       // [dim]
  DeviceArray<float> hc_attn_fn, hc_ffn_fn;                     // [(2+hc)·hc, hc·dim]
  DeviceArray<float> hc_attn_base, hc_ffn_base;                 // [(2+hc)·hc]
  DeviceArray<float> hc_attn_scale, hc_ffn_scale;               // [3]
  DeviceArray<float> attn_sink;                                 // [n_heads]
  WeightMatrix wq_a;                                            // [q_lora, dim]
  DeviceArray<float> q_norm;                                    // [q_lora]
  WeightMatrix wq_b;                                            // [n_heads·head_dim, q_lora]
  WeightMatrix wkv;                                             // [head_dim, dim]
  DeviceArray<float> kv_norm;                                   // [head_dim]
  WeightMatrix wo_a;                                            // [o_groups·o_lora, n_heads·head_dim/o_groups]
  WeightMatrix wo_b;                                            // [dim, o_groups·o_lora]
  // Compressor (ratio > 0); c = 2 for ratio 4 (overlapping windows), else 1.
  WeightMatrix comp_wkv, comp_wgate;                            // [c·head_dim, dim]
  DeviceArray<float> comp_ape;                                  // [ratio, c·head_dim]
  DeviceArray<float> comp_norm;                                 // [head_dim]
  // Lightning indexer (ratio 4).
  WeightMatrix idx_wq_b;                                        // [index_heads·index_dim, q_lora]
  WeightMatrix idx_proj;                                        // [index_heads, dim]
  WeightMatrix idx_comp_wkv, idx_comp_wgate;                    // [2·index_dim, dim]
  DeviceArray<float> idx_comp_ape;                              // [4, 2·index_dim]
  DeviceArray<float> idx_comp_norm;                             // [index_dim]
  // MoE.
  WeightMatrix gate;                                            // [experts, dim]
  DeviceArray<float> gate_bias;                                 // [experts] (score layers)
  DeviceArray<int32_t> tid2eid;                                 // [vocab, top_k] (hash layers)
  std::vector<ExpertWeights> experts;                           // w1/w3 [inter, dim], w2 [dim, inter]
  ExpertWeights shared;
  bool has_shared = false;
};

struct ModelWeights {
  WeightMatrix embed;                                // [vocab, dim]
  WeightMatrix head;                                 // [vocab, dim]
  DeviceArray<float> norm;                           // [dim]
  DeviceArray<float> hc_head_fn;                     // [hc, hc·dim]
  DeviceArray<float> hc_head_base, hc_head_scale;    // [hc], [1]
  std::vector<LayerWeights> layers;
  size_t converted_bytes = 0;                        // bytes converted to f32 at load
};

Result<ModelWeights> bind_weights(const TensorSource& src, WeightLayout layout, const ModelConfig& cfg,
                                  Ops& ops);

}  // namespace agent::engine
