// The DeepSeek V4 model configuration, read from any of the three places it is published:
// the Hugging Face config.json (V4-Flash and V4-Pro layouts), the official runner's
// short-name inference/config.json, and the metadata of a llama.cpp `deepseek4` GGUF file.
// Field meanings: ../shared/docs/deepseek-v4-model.md section 1.
// Thread-safety: plain value.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "inference/engine/ops/ops.h"

namespace agent::engine {

class GgufFile;

struct ModelConfig {
  int64_t vocab_size = 129280;
  int64_t dim = 4096;
  int64_t n_layers = 43;
  int64_t n_heads = 64;
  int64_t head_dim = 512;
  int64_t rope_dim = 64;
  int64_t q_lora_rank = 1024;
  int64_t o_groups = 8;
  int64_t o_lora_rank = 1024;
  int64_t window = 128;
  std::vector<int64_t> compress_ratios;  // >= n_layers entries (extra ones: MTP layers)
  double rope_theta = 10000.0;           // ratio-0 layers, no YaRN
  double compress_rope_theta = 160000.0; // ratio>0 layers, with YaRN
  double rope_factor = 16.0;
  int64_t original_seq_len = 65536;
  double beta_fast = 32.0, beta_slow = 1.0;
  int64_t index_n_heads = 64, index_head_dim = 128, index_topk = 512;
  int64_t n_routed_experts = 256, n_shared_experts = 1, n_activated_experts = 6;
  int64_t moe_inter_dim = 2048;
  int64_t n_hash_layers = 3;
  std::string score_func = "sqrtsoftplus";
  bool norm_topk_prob = true;
  double route_scale = 1.5;
  double swiglu_limit = 10.0;
  // Clamp of the shared expert's SwiGLU. 0 as in the 04-24 official reference; later
  // official revisions (and llama.cpp's converter) clamp it with swiglu_limit.
  double shared_swiglu_limit = 0.0;
  int64_t hc_mult = 4, hc_sinkhorn_iters = 20;
  double hc_eps = 1e-6, norm_eps = 1e-6;
  int64_t bos_token_id = 0, eos_token_id = 1;
  int64_t max_position_embeddings = 1048576;
  int64_t n_mtp_layers = 1;

  int64_t ratio(int64_t layer) const { return compress_ratios[size_t(layer)]; }
  bool is_hash_layer(int64_t layer) const { return layer < n_hash_layers; }
  RopeSpec rope_for_layer(int64_t layer) const;
  // Compressed-KV bytes each token adds (all layers), for `elem_bytes` per stored value:
  // section 4.2 (CSA: D/4 + index_head_dim/4 values, HCA: D/128).
  double kv_bytes_per_token(double elem_bytes) const;
  // Checks ranges and the invariants the engine relies on; names the bad field.
  Status validate() const;
};

// HF config.json (the model repo's) or the official runner's short-name config, told apart by
// their keys ("hidden_size" vs "dim").
Result<ModelConfig> parse_model_config(const Json& j, std::string_view where);
// config.json of a checkpoint folder.
Result<ModelConfig> load_model_config(const std::filesystem::path& dir);
// The deepseek4.* metadata of a GGUF file.
Result<ModelConfig> model_config_from_gguf(const GgufFile& g);

}  // namespace agent::engine
