#include "inference/engine/cuda/memory_plan.h"

#include <algorithm>
#include <cstdio>

namespace agent::engine::cuda {

std::string gib(size_t bytes) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f GiB", double(bytes) / double(kGiB));
  return b;
}

std::string MemoryPlan::describe() const {
  return "weights " + gib(weights) + " + KV/state " + gib(sequences) + " (" + std::to_string(kv_tokens) +
         " tokens) + workspace " + gib(workspace) + " (" + std::to_string(max_tokens) + "-token forwards) + headroom " +
         gib(headroom) + " = " + gib(total());
}

size_t placed_bytes(const WeightMatrix& w) {
  size_t b = align_up(size_t(w.rows * w.row_bytes));
  if (w.format == WeightFormat::kFP8Block) {
    b += align_up(size_t((w.rows + 127) / 128 * ((w.cols + 127) / 128)) * 4);
  } else if (w.format == WeightFormat::kFP4Group) {
    b += align_up(size_t(w.rows * (w.cols / 32)) * (w.scale_dtype == DType::kF32 ? 4 : 1));
  }
  return b;
}

size_t sequence_bytes(const ModelConfig& c, int64_t tokens) {
  size_t b = 0;
  auto arr = [&](int64_t floats) { b += floats > 0 ? align_up(size_t(floats) * 4) : 0; };
  const int64_t D = c.head_dim, ID = c.index_head_dim;
  for (int64_t l = 0; l < c.n_layers; ++l) {
    const int64_t m = c.ratio(l);
    arr(c.window * D);
    if (m == 0) continue;
    const int64_t co = m == 4 ? 2 : 1;
    arr(tokens / m * D);
    arr(co * m * co * D);
    arr(co * m * co * D);
    if (m != 4) continue;
    arr(tokens / 4 * ID);
    arr(8 * 2 * ID);
    arr(8 * 2 * ID);
  }
  return b;
}

size_t workspace_bytes(const ModelConfig& c, int64_t n, size_t cublaslt_workspace) {
  const int64_t d = c.dim, hc = c.hc_mult, H = c.n_heads, D = c.head_dim, W = c.window, ql = c.q_lora_rank;
  const int64_t G = c.o_groups, ol = c.o_lora_rank, IH = c.index_n_heads, ID = c.index_head_dim;
  const int64_t k = c.n_activated_experts, I = c.moe_inter_dim, E = c.n_routed_experts, V = c.vocab_size;
  size_t b = 0;
  auto f32 = [&](int64_t floats) { b += align_up(size_t(std::max<int64_t>(floats, 1)) * 4); };
  // Forward (forward.cpp): ids, X, X2, y, xn, post, comb, out; logits h, hn, lg (all rows).
  f32(n);
  f32(n * hc * d), f32(n * hc * d), f32(n * d), f32(n * d), f32(n * hc), f32(n * hc * hc), f32(n * d);
  f32(n * d), f32(n * d), f32(n * V);
  // Attention (attention_block.cpp): qa, cq, q, kv_raw, win, topk, two compressors' ck/cs,
  // the indexer's qi and wi, o, u. Counted as if all were live at once.
  f32(n * ql), f32(n * ql), f32(n * H * D), f32(n * D), f32((W - 1 + n) * D), f32(n * c.index_topk);
  f32(n * 2 * D), f32(n * 2 * D), f32(n * 2 * ID), f32(n * 2 * ID), f32(n * IH * ID), f32(n * IH);
  f32(n * H * D), f32(n * G * ol);
  // MoE (moe_block.cpp): experts, weights, g, u, s.
  f32(n * k), f32(n * k), f32(n * I), f32(n * I), f32(n * d);
  // CudaOps scratch, the largest of each op (not live at the same time, summed anyway):
  const int64_t kmax = std::max({d, ql, H * D / G, G * ol, I, hc * d});
  b += align_up(size_t(n * kmax)) + align_up(size_t(n * (kmax / 128 + 1)) * 4) + align_up(size_t(n * kmax) * 4);
  f32(n * E);                                           // router logits
  f32(n * k * 3 * I), f32(n * k * d);                   // expert pairs: gate/up/hidden, outputs
  b += align_up(size_t(n * k * I)) + align_up(size_t(n * k * (I / 128 + 1)) * 4);
  b += align_up(size_t(n * k + E + 1) * 4 * 4);         // pair sorting and work lists
  f32(kMaxAttentionPartials * (D + 2));                 // attention split partials
  b += align_up(kIndexerScoreBytes);                    // indexer scores
  f32(n * (2 + hc) * hc * 64 + n);                      // mHC mix partials
  b += align_up(cublaslt_workspace);
  return b + b / 8;  // 12.5% for allocator rounding and fragmentation
}

MemoryPlan plan_memory(const ModelConfig& c, size_t weights, const CudaOptions& o) {
  MemoryPlan p;
  p.weights = weights;
  p.kv_tokens = o.kv_tokens;
  p.max_tokens = o.max_tokens_per_forward;
  p.sequences = sequence_bytes(c, o.kv_tokens);
  p.workspace = workspace_bytes(c, o.max_tokens_per_forward, o.cublaslt_workspace);
  p.headroom = o.headroom_bytes;
  return p;
}

Status check_fits(const MemoryPlan& p, size_t device_free, size_t device_total, const std::string& device) {
  if (p.total() <= device_free) return ok_status();
  return resource_exhausted("CUDA out of memory: " + device + " has " + gib(device_free) + " free of " +
                            gib(device_total) + ", the engine needs " + p.describe() +
                            " (lower kv_tokens or max_tokens_per_forward, or use a smaller checkpoint)");
}

namespace {

struct Counter {
  CheckpointCensus c;
  void t(int64_t n, int64_t bytes) {
    c.tensors += n;
    c.bytes += bytes;
  }
  void fp8(int64_t r, int64_t k) { t(2, r * k + (r + 127) / 128 * ((k + 127) / 128)); }
  int64_t fp4(int64_t r, int64_t k) {
    t(2, r * k / 2 + r * k / 32);
    return r * k / 2 + r * k / 32;
  }
};

// One block of the release (deepseek-v4-model.md 3.2); `hash`: tid2eid instead of a bias.
void count_block(Counter& n, const ModelConfig& c, int64_t ratio, bool hash) {
  const int64_t d = c.dim, H = c.n_heads, ql = c.q_lora_rank, G = c.o_groups, E = c.n_routed_experts;
  const int64_t I = c.moe_inter_dim, D = c.head_dim, mix = (2 + c.hc_mult) * c.hc_mult;
  n.t(2, 2 * d * 2);                       // attn_norm, ffn_norm
  n.t(2, 2 * mix * c.hc_mult * d * 4);     // hc_attn_fn, hc_ffn_fn
  n.t(2, 2 * mix * 4), n.t(2, 2 * 3 * 4);  // bases, scales
  n.t(1, H * 4);                           // attn_sink
  n.fp8(ql, d), n.t(1, ql * 2), n.fp8(H * D, ql), n.fp8(D, d), n.t(1, D * 2);
  n.fp8(G * c.o_lora_rank, H * D / G), n.fp8(d, G * c.o_lora_rank);
  n.t(1, E * d * 2);                                                // gate
  n.t(1, hash ? c.vocab_size * c.n_activated_experts * 8 : E * 4);  // tid2eid (I64) or bias
  int64_t expert = 0;
  for (int64_t e = 0; e < E; ++e) expert = n.fp4(I, d) + n.fp4(I, d) + n.fp4(d, I);
  n.c.expert_bytes = expert;
  n.c.routed_expert_bytes += E * expert;
  n.fp8(I, d), n.fp8(I, d), n.fp8(d, I);  // shared expert
  if (ratio > 0) {
    const int64_t co = ratio == 4 ? 2 : 1;
    n.t(2, 2 * co * D * d * 2), n.t(1, ratio * co * D * 4), n.t(1, D * 2);
  }
  if (ratio == 4) {
    const int64_t IH = c.index_n_heads, ID = c.index_head_dim;
    n.fp8(IH * ID, ql), n.t(1, IH * d * 2), n.t(2, 2 * 2 * ID * d * 2), n.t(1, 4 * 2 * ID * 4), n.t(1, ID * 2);
  }
}

}  // namespace

CheckpointCensus official_census(const ModelConfig& c, bool with_mtp) {
  Counter n;
  const int64_t d = c.dim, hc = c.hc_mult;
  n.t(2, 2 * c.vocab_size * d * 2);  // embed, head
  n.c.head_bytes = c.vocab_size * d * 2;
  n.t(1, d * 2), n.t(1, hc * hc * d * 4), n.t(1, hc * 4), n.t(1, 4);
  for (int64_t l = 0; l < c.n_layers; ++l) count_block(n, c, c.ratio(l), c.is_hash_layer(l));
  if (with_mtp) {
    const int64_t r = int64_t(c.compress_ratios.size()) > c.n_layers ? c.ratio(c.n_layers) : 0;
    count_block(n, c, r, false);
    n.fp8(d, d), n.fp8(d, d);                                          // e_proj, h_proj
    n.t(3, 3 * d * 2), n.t(1, hc * hc * d * 4), n.t(1, hc * 4), n.t(1, 4);  // norms, hc_head
  }
  return n.c;
}

ModelConfig flash_config() {
  ModelConfig c;  // the defaults are V4-Flash's
  c.compress_ratios = {0, 0};
  for (int i = 0; i < 20; ++i) c.compress_ratios.insert(c.compress_ratios.end(), {4, 128});
  c.compress_ratios.insert(c.compress_ratios.end(), {4, 0});
  return c;
}

ModelConfig pro_config() {
  ModelConfig c;
  c.dim = 7168, c.n_layers = 61, c.n_heads = 128, c.q_lora_rank = 1536, c.o_groups = 16;
  c.n_routed_experts = 384, c.moe_inter_dim = 3072, c.index_topk = 1024, c.route_scale = 2.5;
  c.compress_ratios = {128, 128};
  for (int i = 0; i < 29; ++i) c.compress_ratios.insert(c.compress_ratios.end(), {4, 128});
  c.compress_ratios.insert(c.compress_ratios.end(), {4, 0});
  return c;
}

}  // namespace agent::engine::cuda
