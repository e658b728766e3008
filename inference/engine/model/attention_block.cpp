// Forward::attention: the low-rank Q path, the shared K=V latent with its window ring, the
// CSA/HCA compressors, the lightning indexer and sparse attention with the sink, then the
// inverse RoPE and the grouped output projection (deepseek-v4-model.md 2.3 - 2.7).
#include <algorithm>
#include <cmath>

#include "inference/engine/model/forward.h"

namespace agent::engine {
namespace {

// Copies the ring slots of positions [p_begin, p_end) to/from rows (pos - row0) of `lin`.
void ring_copy(Ops& ops, float* ring, float* lin, int64_t window, int64_t hd, int64_t row0, int64_t p_begin,
               int64_t p_end, bool to_ring) {
  for (int64_t p = p_begin; p < p_end;) {
    const int64_t slot = p % window, len = std::min(p_end - p, window - slot);
    float* r = ring + slot * hd;
    float* l = lin + (p - row0) * hd;
    if (to_ring) ops.copy(r, l, size_t(len * hd) * 4);
    else ops.copy(l, r, size_t(len * hd) * 4);
    p += len;
  }
}

}  // namespace

// Runs one compressor over the n new tokens (xn) and appends its completed entries to
// cache[n_before ..]: pooled, then RMSNorm and RoPE at the block's first position. Returns
// how many entries it appended.
static int64_t compress_into(Forward& f, const WeightMatrix& wkv, const WeightMatrix& wgate, const float* ape,
                             const float* norm, int64_t ratio, int64_t hd, float* kv_state, float* score_state,
                             float* cache, const RopeSpec& rope) {
  const int64_t co = ratio == 4 ? 2 : 1, d = f.c.dim;
  DeviceArray<float> ck(f.ops, size_t(f.n * co * hd)), cs(f.ops, size_t(f.n * co * hd));
  // f32 math on bf16 weights and the upcast normed input, as the reference's compressor.
  f.ops.matmul(wkv, f.xn.data(), d, f.n, ck.data(), co * hd, MatmulOptions{});
  f.ops.matmul(wgate, f.xn.data(), d, f.n, cs.data(), co * hd, MatmulOptions{});
  const int64_t n_before = f.pos0 / ratio;
  float* dst = cache + n_before * hd;
  const int64_t made = f.ops.compress(ck.data(), cs.data(), f.n, f.pos0, ratio, ratio == 4, hd, ape, kv_state,
                                      score_state, dst);
  if (made == 0) return 0;
  if (f.official) f.ops.round_bf16(dst, made * hd);  // the pooled vector is cast to bf16
  f.ops.rms_norm(dst, hd, norm, made, hd, float(f.c.norm_eps), dst, hd, f.official, false);
  f.ops.rope(dst, made, 1, hd, hd, hd - f.c.rope_dim, ratio * n_before, ratio, rope, false, f.official);
  return made;
}

// Lightning indexer: top-k compressed entries per new token -> topk [n, index_topk].
static void run_indexer(Forward& f, const LayerWeights& L, Sequence::Layer& S, const float* cq, const RopeSpec& rope,
                        int32_t* topk) {
  const ModelConfig& c = f.c;
  const int64_t IH = c.index_n_heads, ID = c.index_head_dim, ql = c.q_lora_rank, d = c.dim;
  const int64_t made = compress_into(f, L.idx_comp_wkv, L.idx_comp_wgate, L.idx_comp_ape.data(),
                                     L.idx_comp_norm.data(), 4, ID, S.idx_kv.data(), S.idx_score.data(),
                                     S.idx_keys.data(), rope);
  float* new_keys = S.idx_keys.data() + (f.pos0 / 4) * ID;
  if (made > 0) {
    f.ops.hadamard(new_keys, made, ID, f.official);
    if (f.official) f.ops.fp4_simulate(new_keys, made, ID, 32);
  }
  DeviceArray<float> qi(f.ops, size_t(f.n * IH * ID)), wi(f.ops, size_t(f.n * IH));
  f.ops.matmul(L.idx_wq_b, cq, ql, f.n, qi.data(), IH * ID, f.quantized());  // [n, IH, ID]
  f.ops.rope(qi.data(), f.n, IH, IH * ID, ID, ID - c.rope_dim, f.pos0, 1, rope, false, f.official);
  f.ops.hadamard(qi.data(), f.n * IH, ID, f.official);
  if (f.official) f.ops.fp4_simulate(qi.data(), f.n * IH, ID, 32);
  f.ops.matmul(L.idx_proj, f.xn.data(), d, f.n, wi.data(), IH, f.bf16_linear());  // [n, IH]
  f.ops.scale(wi.data(), f.n * IH, float(1.0 / std::sqrt(double(ID)) / std::sqrt(double(IH))), f.official);
  f.ops.indexer_topk(qi.data(), wi.data(), f.n, IH, ID, S.idx_keys.data(), f.pos0, 4, c.index_topk, topk,
                     f.official);
}

void Forward::attention(int64_t l) {
  const LayerWeights& L = w.layers[size_t(l)];
  Sequence::Layer& S = seq.layers_[size_t(l)];
  const int64_t d = c.dim, H = c.n_heads, D = c.head_dim, N = D - c.rope_dim, W = c.window;
  const int64_t ql = c.q_lora_rank, G = c.o_groups, ol = c.o_lora_rank;
  const float eps = float(c.norm_eps);
  const RopeSpec rope = c.rope_for_layer(l);

  // Q: cq = q_norm(x·Wq_aᵀ) [n, ql]; q = cq·Wq_bᵀ [n, H, D], unweighted RMS per head, RoPE.
  DeviceArray<float> qa(ops, size_t(n * ql)), cq(ops, size_t(n * ql)), q(ops, size_t(n * H * D));
  ops.matmul(L.wq_a, xn.data(), d, n, qa.data(), ql, quantized());
  ops.rms_norm(qa.data(), ql, L.q_norm.data(), n, ql, eps, cq.data(), ql, official, false);
  ops.matmul(L.wq_b, cq.data(), ql, n, q.data(), H * D, quantized());
  ops.rms_norm(q.data(), D, nullptr, n * H, D, eps, q.data(), D, official, official);
  ops.rope(q.data(), n, H, H * D, D, N, pos0, 1, rope, false, official);

  // KV: the new rows go after the W-1 previous window rows: win [(W-1+n), D], row r holds
  // position pos0 - (W-1) + r.
  const int64_t win_pos0 = pos0 - (W - 1);
  DeviceArray<float> kv_raw(ops, size_t(n * D)), win(ops, size_t((W - 1 + n) * D));
  float* kv = win.data() + (W - 1) * D;
  ops.matmul(L.wkv, xn.data(), d, n, kv_raw.data(), D, quantized());
  ops.rms_norm(kv_raw.data(), D, L.kv_norm.data(), n, D, eps, kv, D, official, false);
  ops.rope(kv, n, 1, D, D, N, pos0, 1, rope, false, official);
  ring_copy(ops, S.window.data(), win.data(), W, D, win_pos0, std::max<int64_t>(0, win_pos0), pos0, false);

  // Compressed entries: all visible ones (HCA) or the indexer's top-k (CSA).
  const int32_t* sel = nullptr;
  int64_t k_sel = 0;
  DeviceArray<int32_t> topk;
  if (L.ratio > 0) {
    if (L.ratio == 4) {
      topk = DeviceArray<int32_t>(ops, size_t(n * c.index_topk));
      run_indexer(*this, L, S, cq.data(), rope, topk.data());
      sel = topk.data();
      k_sel = c.index_topk;
    }
    S.n_comp += compress_into(*this, L.comp_wkv, L.comp_wgate, L.comp_ape.data(), L.comp_norm.data(), L.ratio, D,
                              S.comp_kv.data(), S.comp_score.data(), S.comp.data(), rope);
  }
  DeviceArray<float> o(ops, size_t(n * H * D));
  ops.attention(q.data(), n, H, D, pos0, win.data(), win_pos0, W, L.ratio > 0 ? S.comp.data() : nullptr, sel, k_sel,
                L.ratio, L.attn_sink.data(), float(1.0 / std::sqrt(double(D))), o.data(), official);
  ops.rope(o.data(), n, H, H * D, D, N, pos0, 1, rope, true, official);  // de-rotate at the query position

  // Grouped output: u_g = o_g · Wo_a[g]ᵀ (bf16 einsum in the reference), out = u · Wo_bᵀ.
  DeviceArray<float> u(ops, size_t(n * G * ol));
  const int64_t gdim = H * D / G;
  for (int64_t g = 0; g < G; ++g) {
    ops.matmul(weight_rows(L.wo_a, g * ol, ol), o.data() + g * gdim, H * D, n, u.data() + g * ol, G * ol,
               bf16_linear());
  }
  ops.matmul(L.wo_b, u.data(), G * ol, n, out.data(), d, quantized());
  ring_copy(ops, S.window.data(), win.data(), W, D, win_pos0, std::max(pos0, pos0 + n - W), pos0 + n, true);
}

}  // namespace agent::engine
