// The engine's kernel interface: every numeric operation of the DeepSeek V4 forward pass, as
// one narrow table of virtual functions. The model code (model/) only builds the sequence of
// calls; backends implement them: cpu/ is the reference (and what every other backend is
// checked against, op by op), the CUDA backend in cuda/ beside it (docs/engine-cuda.md).
//
// Conventions for every op:
//   * Pointers are backend memory (host memory for the CPU backend), allocated with alloc()
//     and filled with upload(); the model never dereferences them itself.
//   * Activations are f32, row-major. `ld*` arguments are row strides in elements.
//   * Shapes are given in the comments as [rows, cols] (outermost first).
//   * `bf16` flags round the op's output to bfloat16 (stored back in f32), which is how the
//     official reference's bf16 tensors behave; exact numerics pass false everywhere.
//   * Results depend only on each row's own inputs, never on how many rows are batched, so
//     chunked prefill, one-shot prefill and token-by-token decode do the same arithmetic.
// Thread-safety: an Ops object may be used by one thread at a time (it parallelises inside).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "inference/engine/ops/weight_matrix.h"

namespace agent::engine {

struct MatmulOptions {
  // Official numerics of FP8/FP4 linears: activations quantised to FP8 e4m3 per 128-element
  // block along K with a power-of-two scale 2^ceil(log2(amax/448)), amax floored at 1e-4.
  bool fp8_activations = false;
  bool bf16_output = false;
};

// RoPE of one layer: interleaved pairs on `n_dims` trailing dims of each head, with optional
// YaRN frequency blending (no magnitude scaling: the model has none).
struct RopeSpec {
  int64_t n_dims = 64;
  double base = 10000.0;
  bool yarn = false;
  double factor = 1.0;
  int64_t original_seq_len = 0;
  double beta_fast = 32.0;
  double beta_slow = 1.0;
};

// One routed expert: SwiGLU weights w1 (gate) [inter, dim], w3 (up) [inter, dim],
// w2 (down) [dim, inter].
struct ExpertWeights {
  WeightMatrix w1, w2, w3;
};

class Ops {
 public:
  virtual ~Ops() = default;
  virtual std::string_view name() const = 0;
  virtual bool supports(WeightFormat f) const = 0;

  // ---- placement and batching (hooks for backends with memory of their own) ----
  // Moves a weight matrix that points into the weight file into backend memory; afterwards
  // w.data / w.scales point there (same format). The CPU backend uses the mapping in place.
  virtual Status place(WeightMatrix& w) {
    (void)w;
    return ok_status();
  }
  // Whether `bytes` more can be allocated, or an error naming the sizes (a backend whose
  // memory is planned at load refuses what does not fit instead of failing mid-way).
  virtual Status can_allocate(size_t bytes) const {
    (void)bytes;
    return ok_status();
  }
  // The engine brackets each forward pass of n tokens with this call: a backend may record
  // the calls until the next download() and run them as one unit (CUDA graphs).
  virtual void begin_forward(int64_t n_tokens) { (void)n_tokens; }

  // ---- memory ----
  virtual void* alloc(size_t bytes) = 0;  // zero-filled; aborts on exhaustion like new
  virtual void release(void* p) = 0;
  virtual void upload(void* dst, const void* src, size_t bytes) = 0;
  virtual void download(void* dst, const void* src, size_t bytes) = 0;
  virtual void copy(void* dst, const void* src, size_t bytes) = 0;  // backend to backend
  virtual void fill(float* x, int64_t n, float v) = 0;

  // ---- linear algebra ----
  // y[n, w.rows] (stride ldy) = x[n, w.cols] (stride ldx) · wᵀ
  virtual void matmul(const WeightMatrix& w, const float* x, int64_t ldx, int64_t n, float* y,
                      int64_t ldy, const MatmulOptions& opt) = 0;
  // out[n, table.cols] = table rows ids[i] (ids in backend memory)
  virtual void embed(const WeightMatrix& table, const int32_t* ids, int64_t n, float* out) = 0;
  // x[i] += y[i]; optional bf16 rounding of the sum.
  virtual void add(float* x, const float* y, int64_t n, bool bf16) = 0;
  virtual void round_bf16(float* x, int64_t n) = 0;
  // x[i] *= s, optionally rounded to bf16.
  virtual void scale(float* x, int64_t n, float s, bool bf16) = 0;

  // ---- normalisation ----
  // y[n, d] = x · rsqrt(mean(x²) + eps) · w (w may be null: unweighted). With
  // bf16_chain the mean/rsqrt/product are rounded to bf16 step by step, as a bf16 tensor
  // expression in the reference does (the per-head q normalisation).
  virtual void rms_norm(const float* x, int64_t ldx, const float* w, int64_t n, int64_t d,
                        float eps, float* y, int64_t ldy, bool bf16, bool bf16_chain) = 0;

  // ---- positions ----
  // Rotates dims [offset, offset + spec.n_dims) of each of `heads` vectors per row:
  // x[n, heads, *] with row stride ld_row and head stride ld_head; row i at position
  // pos0 + i * pos_step (compressed entries use pos_step = ratio). inverse = conjugate.
  virtual void rope(float* x, int64_t n, int64_t heads, int64_t ld_row, int64_t ld_head,
                    int64_t offset, int64_t pos0, int64_t pos_step, const RopeSpec& spec,
                    bool inverse, bool bf16) = 0;
  // Normalised Walsh-Hadamard transform (Sylvester order, scale 1/sqrt(dim)) of each of
  // `rows` contiguous vectors of `dim` (a power of two).
  virtual void hadamard(float* x, int64_t rows, int64_t dim, bool bf16) = 0;
  // FP4 e2m1 quantise-dequantise per `block` elements with a power-of-two scale
  // 2^ceil(log2(amax/6)); result rounded to bf16 (the reference's tensor dtype).
  virtual void fp4_simulate(float* x, int64_t rows, int64_t dim, int64_t block) = 0;

  // ---- hyper-connections (mHC) ----
  // X[n, hc, d] -> y[n, d] = Σ_i pre_i X_i, post[n, hc], comb[n, hc, hc] (Sinkhorn-normalised).
  // fn[(2+hc)·hc, hc·d], scale[3], base[(2+hc)·hc].
  virtual void hc_pre(const float* X, int64_t n, int64_t hc, int64_t d, const float* fn,
                      const float* scale, const float* base, int64_t iters, float hc_eps,
                      float norm_eps, float* y, float* post, float* comb, bool bf16) = 0;
  // Xout[n, hc, d]: Xout_j = post_j · f + Σ_i comb[i][j] · X_i  (may alias X: no).
  virtual void hc_post(const float* f, const float* X, const float* post, const float* comb,
                       int64_t n, int64_t hc, int64_t d, float* Xout, bool bf16) = 0;
  // Final collapse: y[n, d] = Σ_i (sigmoid(mix_i·scale + base_i) + eps) X_i, fn[hc, hc·d].
  virtual void hc_head(const float* X, int64_t n, int64_t hc, int64_t d, const float* fn,
                       const float* scale, const float* base, float hc_eps, float norm_eps,
                       float* y, bool bf16) = 0;

  // ---- KV compression ----
  // Runs the compressor's per-sequence state machine over n consecutive tokens starting at
  // position pos0. kv, score: [n, c·hd] (c = 2 if overlap else 1); ape[ratio, c·hd] is
  // added to the score of position t at row t % ratio. State (f32, per sequence):
  // kv_state, score_state [c·ratio, c·hd]. Every completed block appends one pooled row
  // (per-channel softmax over the block's slots) to out[*, hd]; returns how many.
  virtual int64_t compress(const float* kv, const float* score, int64_t n, int64_t pos0,
                           int64_t ratio, bool overlap, int64_t hd, const float* ape,
                           float* kv_state, float* score_state, float* out) = 0;

  // ---- lightning indexer ----
  // For row i (position pos0 + i) scores every visible key j < (pos0 + i + 1) / ratio:
  // s = Σ_h w[i, h] · relu(q[i, h] · keys[j]) and writes the top-k key indices to
  // idx[n, k] (best first, ties to the lower index, -1 where fewer are visible).
  // q[n, heads, hd], w[n, heads], keys[n_keys, hd]. bf16 rounds the per-head products
  // and the sum as the reference's bf16 tensors do.
  virtual void indexer_topk(const float* q, const float* w, int64_t n, int64_t heads,
                            int64_t hd, const float* keys, int64_t pos0, int64_t ratio,
                            int64_t k, int32_t* idx, bool bf16) = 0;

  // ---- attention ----
  // Sparse MQA with an attention sink: query row i (position p = pos0 + i), heads × hd,
  // attends to the window rows win[r] with positions win_pos0 + r in [p - window + 1, p]
  // (and >= 0), plus compressed rows comp[j]: the k_comp indices comp_idx[i, :] (-1 =
  // none) or, when comp_idx is null, every j < (p + 1) / ratio. Keys are values (K = V).
  // o = Σ e^{s - M} v / (Σ e^{s - M} + e^{sink_h - M}), s = scale · q·k.
  virtual void attention(const float* q, int64_t n, int64_t heads, int64_t hd, int64_t pos0,
                         const float* win, int64_t win_pos0, int64_t window, const float* comp,
                         const int32_t* comp_idx, int64_t k_comp, int64_t ratio,
                         const float* sink, float scale, float* out, bool bf16) = 0;

  // ---- mixture of experts ----
  // Router: s = sqrt(softplus(x·gateᵀ)) in f32; experts = top-k of s + bias (score
  // layers) or hash[token] (hash layers, hash[vocab, k]); weights = s[experts] normalised
  // to sum 1 (if norm) times route_scale. idx[n, k], wts[n, k].
  virtual void moe_route(const WeightMatrix& gate, const float* x, int64_t n, const float* bias,
                         const int32_t* hash, const int32_t* tokens, int64_t k, bool norm,
                         float route_scale, int32_t* idx, float* wts) = 0;
  // y[n, d] = Σ_k wts · W2 · (silu(min(W1 x, L)) · clamp(W3 x, ±L)) over the routed experts
  // (summed in increasing expert id, as the reference does), L = limit (0 = no clamp).
  // Official numerics: FP8 activations, bf16 outputs of each linear, bf16 hidden.
  virtual void moe_experts(const ExpertWeights* experts, int64_t n_experts, const float* x,
                           int64_t n, int64_t d, const int32_t* idx, const float* wts, int64_t k,
                           float limit, const MatmulOptions& opt, bool bf16_hidden, float* y) = 0;
  // h[n, inter] = silu(min(g, L)) · clamp(u, ±L)  (L = 0: no clamp); g, u: [n, inter].
  virtual void swiglu(const float* g, const float* u, int64_t n, int64_t inter, float limit,
                      float* h, bool bf16) = 0;

  // ---- output ----
  // out[n, v] = log_softmax(logits[n, v]) in double-accumulated f32.
  virtual void log_softmax(const float* logits, int64_t n, int64_t v, float* out) = 0;
};

}  // namespace agent::engine
