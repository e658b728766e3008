#include "bench/gpu/gpu_random_model.h"

#include <cmath>
#include <random>

#include "inference/engine/cuda/kernels.h"
#include "inference/engine/cuda/memory_plan.h"

namespace agent::bench {

using namespace agent::engine;
using engine::cuda::align_up;

namespace {

// Builds (ops set) or only counts (ops null) the random tensors, in one code path so that the
// count is exactly what the build allocates.
struct Builder {
  cuda::CudaOps* ops = nullptr;
  size_t bytes = 0;
  uint64_t seed = 1;

  WeightMatrix mat(WeightFormat f, int64_t rows, int64_t cols) {
    WeightMatrix w;
    w.format = f, w.rows = rows, w.cols = cols, w.row_bytes = WeightMatrix::row_bytes_for(f, cols);
    w.scale_dtype = f == WeightFormat::kFP8Block ? DType::kF32 : DType::kF8E8M0;
    bytes += cuda::placed_bytes(w);
    if (!ops) return w;
    auto* data = static_cast<uint8_t*>(ops->alloc_weights(size_t(rows * w.row_bytes)));
    const int kind = f == WeightFormat::kFP8Block   ? cuda::kRandomE4M3
                     : f == WeightFormat::kFP4Group ? cuda::kRandomE2M1Pairs
                                                    : cuda::kRandomBF16;
    cuda::launch_random_bytes(data, rows * w.row_bytes, seed++, kind, ops->stream());
    w.data = data;
    if (f == WeightFormat::kFP8Block) {  // 128x128 f32 scales of 2^-6: |w| < 4 * 2^-6
      const int64_t n = (rows + 127) / 128 * ((cols + 127) / 128);
      auto* s = static_cast<float*>(ops->alloc_weights(size_t(n) * 4));
      cuda::launch_fill(s, n, 1.0f / 64.0f, ops->stream());
      w.scales = reinterpret_cast<const uint8_t*>(s);
    } else if (f == WeightFormat::kFP4Group) {
      auto* s = static_cast<uint8_t*>(ops->alloc_weights(size_t(rows * (cols / 32))));
      cuda::launch_random_bytes(s, rows * (cols / 32), seed++, cuda::kRandomE8M0, ops->stream());
      w.scales = s;
    }
    return w;
  }
  // f32 vector: constant `v`, or random in [-gain, gain) when gain > 0.
  DeviceArray<float> vec(int64_t n, float v, float gain = 0) {
    bytes += align_up(size_t(n) * 4);
    if (!ops) return {};
    DeviceArray<float> a(*ops, size_t(n));
    if (gain > 0) {
      cuda::launch_random_bytes(reinterpret_cast<uint8_t*>(a.data()), n * 4, seed++, cuda::kRandomF32, ops->stream());
      ops->scale(a.data(), n, gain, false);
    } else if (v != 0) {
      ops->fill(a.data(), n, v);
    }
    return a;
  }
};

void build_attention(Builder& b, const ModelConfig& c, LayerWeights& L) {
  const int64_t d = c.dim, H = c.n_heads, D = c.head_dim, ql = c.q_lora_rank, G = c.o_groups, ol = c.o_lora_rank;
  const auto fp8 = WeightFormat::kFP8Block, bf16 = WeightFormat::kBF16;
  L.attn_sink = b.vec(H, 0);
  L.wq_a = b.mat(fp8, ql, d), L.q_norm = b.vec(ql, 1);
  L.wq_b = b.mat(fp8, H * D, ql);
  L.wkv = b.mat(fp8, D, d), L.kv_norm = b.vec(D, 1);
  L.wo_a = b.mat(fp8, G * ol, H * D / G), L.wo_b = b.mat(fp8, d, G * ol);
  if (L.ratio == 0) return;
  const int64_t co = L.ratio == 4 ? 2 : 1;
  L.comp_wkv = b.mat(bf16, co * D, d), L.comp_wgate = b.mat(bf16, co * D, d);
  L.comp_ape = b.vec(L.ratio * co * D, 0, 0.1f), L.comp_norm = b.vec(D, 1);
  if (L.ratio != 4) return;
  const int64_t IH = c.index_n_heads, ID = c.index_head_dim;
  L.idx_wq_b = b.mat(fp8, IH * ID, ql), L.idx_proj = b.mat(bf16, IH, d);
  L.idx_comp_wkv = b.mat(bf16, 2 * ID, d), L.idx_comp_wgate = b.mat(bf16, 2 * ID, d);
  L.idx_comp_ape = b.vec(4 * 2 * ID, 0, 0.1f), L.idx_comp_norm = b.vec(ID, 1);
}

void build_layer(Builder& b, const ModelConfig& c, int64_t l, LayerWeights& L) {
  const int64_t d = c.dim, hc = c.hc_mult, mix = (2 + hc) * hc, E = c.n_routed_experts, I = c.moe_inter_dim;
  const float fn_gain = 1.0f / std::sqrt(float(hc * d));
  L.ratio = c.ratio(l);
  L.attn_norm = b.vec(d, 1), L.ffn_norm = b.vec(d, 1);
  L.hc_attn_fn = b.vec(mix * hc * d, 0, fn_gain), L.hc_ffn_fn = b.vec(mix * hc * d, 0, fn_gain);
  L.hc_attn_base = b.vec(mix, 0), L.hc_ffn_base = b.vec(mix, 0);
  L.hc_attn_scale = b.vec(3, 1), L.hc_ffn_scale = b.vec(3, 1);
  build_attention(b, c, L);
  L.gate = b.mat(WeightFormat::kBF16, E, d);
  if (c.is_hash_layer(l)) {
    const int64_t n = c.vocab_size * c.n_activated_experts;
    b.bytes += align_up(size_t(n) * 4);
    if (b.ops) {
      std::vector<int32_t> t(static_cast<size_t>(n));
      std::mt19937 g(uint32_t(b.seed++));
      for (auto& x : t) x = int32_t(g() % uint32_t(E));
      L.tid2eid = DeviceArray<int32_t>(*b.ops, t);
    }
  } else {
    L.gate_bias = b.vec(E, 0);
  }
  L.experts.resize(size_t(E));
  for (auto& e : L.experts) {
    e.w1 = b.mat(WeightFormat::kFP4Group, I, d);
    e.w2 = b.mat(WeightFormat::kFP4Group, d, I);
    e.w3 = b.mat(WeightFormat::kFP4Group, I, d);
  }
  L.shared.w1 = b.mat(WeightFormat::kFP8Block, I, d);
  L.shared.w2 = b.mat(WeightFormat::kFP8Block, d, I);
  L.shared.w3 = b.mat(WeightFormat::kFP8Block, I, d);
  L.has_shared = true;
}

ModelWeights build(Builder& b, const ModelConfig& c) {
  ModelWeights w;
  const int64_t d = c.dim, hc = c.hc_mult;
  w.embed = b.mat(WeightFormat::kBF16, c.vocab_size, d);
  w.head = b.mat(WeightFormat::kBF16, c.vocab_size, d);
  w.norm = b.vec(d, 1);
  w.hc_head_fn = b.vec(hc * hc * d, 0, 1.0f / std::sqrt(float(hc * d)));
  w.hc_head_base = b.vec(hc, 0), w.hc_head_scale = b.vec(1, 1);
  w.layers.resize(size_t(c.n_layers));
  for (int64_t l = 0; l < c.n_layers; ++l) build_layer(b, c, l, w.layers[size_t(l)]);
  return w;
}

}  // namespace

ModelConfig flash_layers(int64_t layers) {
  ModelConfig c = cuda::flash_config();
  c.n_layers = layers;
  c.n_hash_layers = std::min<int64_t>(c.n_hash_layers, layers);
  return c;
}

size_t random_model_bytes(const ModelConfig& c) {
  Builder b;
  build(b, c);
  return b.bytes;
}

int64_t layers_that_fit(size_t free_bytes, const cuda::CudaOptions& o) {
  for (int64_t l = cuda::flash_config().n_layers; l > 0; --l) {
    const ModelConfig c = flash_layers(l);
    // + the expert tables CudaOps keeps (under 2 MiB for Flash) and 1% for the allocator.
    const size_t weights = random_model_bytes(c) + (size_t(16) << 20);
    if (cuda::plan_memory(c, weights, o).total() + weights / 100 <= free_bytes) return l;
  }
  return 0;
}

ModelWeights random_weights(cuda::CudaOps& ops, const ModelConfig& c, uint64_t seed) {
  Builder b;
  b.ops = &ops;
  b.seed = seed;
  ModelWeights w = build(b, c);
  ops.synchronize();
  return w;
}

double distinct_experts(const ModelConfig& c, int64_t tokens) {
  const double E = double(c.n_routed_experts), k = double(c.n_activated_experts);
  return E * (1.0 - std::pow(1.0 - k / E, double(tokens)));
}

double decode_step_bytes(const ModelConfig& c, double experts_per_step, int64_t tokens, int64_t ctx) {
  const cuda::CheckpointCensus s = cuda::official_census(c, false);
  const int64_t hash_tables = c.n_hash_layers * c.vocab_size * c.n_activated_experts * 8;
  const double non_expert = double(s.bytes - s.routed_expert_bytes - 2 * s.head_bytes - hash_tables);
  double bytes = non_expert + experts_per_step * double(s.expert_bytes) * double(c.n_layers) + double(s.head_bytes) +
                 double(tokens * c.dim * 2 + tokens * c.n_activated_experts * 4);
  const double D = double(c.head_dim), f32 = 4;
  for (int64_t l = 0; l < c.n_layers; ++l) {
    const int64_t m = c.ratio(l);
    bytes += double(std::min<int64_t>(ctx + tokens, c.window + tokens - 1)) * D * f32;  // window rows
    if (m == 4) {
      bytes += double(tokens) * double(std::min<int64_t>(c.index_topk, ctx / 4)) * D * f32;  // selected entries
      bytes += double(ctx / 4) * double(c.index_head_dim) * f32;                             // indexer keys
    } else if (m > 0) {
      bytes += double(ctx / m) * D * f32;  // every HCA entry
    }
  }
  return bytes;
}

double prefill_flops(const ModelConfig& c, int64_t ctx) {
  const double d = double(c.dim), H = double(c.n_heads), D = double(c.head_dim), ql = double(c.q_lora_rank);
  const double G = double(c.o_groups), ol = double(c.o_lora_rank), IH = double(c.index_n_heads);
  const double ID = double(c.index_head_dim), I = double(c.moe_inter_dim), hc = double(c.hc_mult);
  double per_token = 0;  // multiply-adds of the linears, every token alike
  for (int64_t l = 0; l < c.n_layers; ++l) {
    const int64_t m = c.ratio(l);
    per_token += ql * d + H * D * ql + D * d + G * ol * (H * D / G) + d * G * ol;
    per_token += 2 * (2 + hc) * hc * hc * d;  // the two mHC mixes
    if (m > 0) per_token += 2 * (m == 4 ? 2 : 1) * D * d;
    if (m == 4) per_token += IH * ID * ql + IH * d + 2 * 2 * ID * d;
    per_token += double(c.n_routed_experts) * d + 3 * I * d * (1 + double(c.n_activated_experts));
  }
  double macs = per_token * double(ctx);
  for (int64_t t = 0; t < ctx; ++t) {  // attention (scores and values) and index scores grow
    for (int64_t l = 0; l < c.n_layers; ++l) {
      const int64_t m = c.ratio(l);
      double keys = double(std::min<int64_t>(t + 1, c.window));
      if (m == 4) keys += double(std::min<int64_t>(c.index_topk, (t + 1) / 4)), macs += IH * ID * double((t + 1) / 4);
      else if (m > 0) keys += double((t + 1) / m);
      macs += 2 * H * D * keys;
    }
  }
  return 2 * macs;
}

}  // namespace agent::bench
