// The CUDA kernels' launchers: plain C++ declarations (implemented in the .cu files beside
// this header), so that CudaOps and the tests compile with the host compiler. Every launcher
// enqueues on `s` and returns at once; pointers are device memory unless said otherwise.
// Shapes as in ops.h: [rows, cols], row-major, f32 activations.
//
// CPU twins (the reference each kernel is tested against, cuda_ops_test.cpp):
//   elementwise.cu    fill / add / scale / round_bf16 / swiglu / embed   cpu_ops.cpp, cpu_matmul.cpp
//   norm_rope.cu      rms_norm / rope / hadamard / fp4_simulate           cpu_ops.cpp
//   hyper.cu          hc_pre (mix + Sinkhorn) / hc_post / hc_head          cpu_ops.cpp
//   gemv.cu           matmul, n <= kGemvMaxTokens, every format           cpu_matmul.cpp
//   gemm_f32.cu       matmul, tiled f32 (exact numerics, bf16 weights)    cpu_matmul.cpp
//   gemm_fp8.cu       matmul, FP8 tensor cores (FP8 / FP4 weights)        cpu_matmul.cpp
//   moe.cu            routing, grouping by expert, SwiGLU, combine       cpu_matmul.cpp
//   compress.cu       the compressor state machine                       cpu_attention.cpp
//   indexer.cu        lightning indexer scores and top-k                 cpu_attention.cpp
//   attention.cu      sparse attention with the sink                     cpu_attention.cpp
//   softmax.cu        log_softmax, token sampling                        cpu_ops.cpp, model/generate.cpp
// Thread-safety: launchers are stateless.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "inference/engine/cuda/dev_matrix.h"

namespace agent::engine::cuda {

inline constexpr int64_t kGemvMaxTokens = 4;  // matmuls of up to this many rows stream weights

// ---- elementwise (elementwise.cu) ----
void launch_fill(float* x, int64_t n, float v, cudaStream_t s);
void launch_add(float* x, const float* y, int64_t n, bool bf16, cudaStream_t s);
void launch_scale(float* x, int64_t n, float factor, bool bf16, cudaStream_t s);
void launch_round_bf16(float* x, int64_t n, cudaStream_t s);
// Rows of a strided matrix: x[r * ld + c] for r < rows, c < cols.
void launch_round_bf16_2d(float* x, int64_t rows, int64_t cols, int64_t ld, cudaStream_t s);
// h = swiglu(g, u) (limit 0: no clamp), times wts[i / inter] when wts is not null, rounded
// to bf16 when asked (before and after the weight, as cpu moe_experts does with bf16_hidden).
void launch_swiglu(const float* g, const float* u, int64_t n, int64_t inter, float limit, const float* wts, float* h,
                   bool bf16, cudaStream_t s);
void launch_embed(const DevMatrix& table, const int32_t* ids, int64_t n, float* out, cudaStream_t s);

// ---- normalisation and positions (norm_rope.cu) ----
void launch_rms_norm(const float* x, int64_t ldx, const float* w, int64_t n, int64_t d, float eps, float* y,
                     int64_t ldy, bool bf16, bool bf16_chain, cudaStream_t s);
struct RopeTable {
  float inv_freq[64];  // one per rotated pair, up to 128 rope dims
  int half = 0;
};
void launch_rope(float* x, int64_t n, int64_t heads, int64_t ld_row, int64_t ld_head, int64_t offset, int64_t pos0,
                 int64_t pos_step, const RopeTable& t, bool inverse, bool bf16, cudaStream_t s);
void launch_hadamard(float* x, int64_t rows, int64_t dim, float scale, bool bf16, cudaStream_t s);
void launch_fp4_simulate(float* x, int64_t rows, int64_t dim, int64_t block, cudaStream_t s);

// ---- hyper-connections (hyper.cu) ----
// `scratch` holds hc_scratch_floats(n, hc, d) floats.
int64_t hc_scratch_floats(int64_t n, int64_t hc, int64_t d);
void launch_hc_pre(const float* X, int64_t n, int64_t hc, int64_t d, const float* fn, const float* scale,
                   const float* base, int64_t iters, float hc_eps, float norm_eps, float* y, float* post, float* comb,
                   bool bf16, float* scratch, cudaStream_t s);
void launch_hc_post(const float* f, const float* X, const float* post, const float* comb, int64_t n, int64_t hc,
                    int64_t d, float* Xout, bool bf16, cudaStream_t s);
void launch_hc_head(const float* X, int64_t n, int64_t hc, int64_t d, const float* fn, const float* scale,
                    const float* base, float hc_eps, float norm_eps, float* y, bool bf16, float* scratch,
                    cudaStream_t s);

// ---- matmuls (gemv.cu, gemm_f32.cu, gemm_fp8.cu) ----
// Grouped matmuls (routed experts): pair p uses the weights table[expert[p] * 3 + which]
// (every entry has the shape and format of the DevMatrix passed alongside), reads x row
// p / x_div and writes y row p.
struct Grouped {
  const DevMatrix* table = nullptr;
  const int32_t* expert = nullptr;
  int which = 0;
  int64_t x_div = 1;
};
// Work of a tiled grouped matmul: the pairs sorted by expert, and items {expert, first
// sorted index, count} of at most the kernel's token tile each; n_items on the device.
struct GroupWork {
  const int32_t* sorted = nullptr;
  const int4* items = nullptr;
  const int32_t* n_items = nullptr;
  int64_t max_items = 0;
};
// FP8 activations: e4m3 codes [rows, K] and f32 scales [rows, ceil(K/128)].
struct Fp8Act {
  const uint8_t* codes = nullptr;
  const float* scales = nullptr;
  int64_t K = 0;
};

// FP8 activation simulation (deepseek-v4-model.md 9.1) of n rows of K values: writes any of
// the dequantised values deq[n, K], the codes[n, K] and scales[t * s_tok + kb * s_kb].
void launch_fp8_quantize(const float* x, int64_t ldx, int64_t n, int64_t K, float* deq, uint8_t* codes, float* scales,
                         int64_t s_tok, int64_t s_kb, cudaStream_t s);
// y[n, w.rows] = x · Wᵀ for n <= kGemvMaxTokens (dense), or n pairs (grouped).
void launch_gemv(const DevMatrix& w, const Grouped* g, const float* x, int64_t ldx, int64_t n, float* y, int64_t ldy,
                 bool bf16, cudaStream_t s);
// Tiled f32 matmul, any n, any format; grouped when `gw` is given (then x rows are pairs / x_div).
void launch_gemm_f32(const DevMatrix& w, const Grouped* g, const GroupWork* gw, const float* x, int64_t ldx, int64_t n,
                     float* y, int64_t ldy, bool bf16, cudaStream_t s);
inline constexpr int kGemmF32TokenTile = 64;
// FP8 tensor-core matmul (mma.sync e4m3, f32 partial sums scaled per K group): W in kFP8Block
// or kFP4Group (FP4 codes expanded to e4m3 exactly), x quantised by launch_fp8_quantize with
// s_tok = ceil(K/128), s_kb = 1. Splits K over `splits` partial sums in `split_ws`
// (splits * n * w.rows floats) when splits > 1, summed in order by a second kernel.
void launch_gemm_fp8(const DevMatrix& w, const Grouped* g, const GroupWork* gw, const Fp8Act& x, int64_t n, float* y,
                     int64_t ldy, bool bf16, int splits, float* split_ws, cudaStream_t s);
int fp8_token_tile(int64_t n);  // 8 or 64: the kernel variant a dense matmul of n rows uses

// ---- mixture of experts (moe.cu) ----
void launch_moe_route(const float* logits, int64_t n, int64_t E, const float* bias, const int32_t* hash,
                      const int32_t* tokens, int64_t k, bool norm, float route_scale, int32_t* idx, float* wts,
                      cudaStream_t s);
// Sorts the P pairs by expert and cuts runs into items of at most `tile` pairs (GroupWork).
void launch_moe_group(const int32_t* expert, int64_t P, int64_t E, int tile, int32_t* sorted, int4* items,
                      int32_t* n_items, cudaStream_t s);
// y[t] = Σ over the token's k pairs, in increasing expert id (ties in slot order), of out[p].
void launch_moe_combine(const float* out, const int32_t* idx, int64_t n, int64_t k, int64_t d, float* y,
                        cudaStream_t s);

// ---- KV compression (compress.cu) ----
// The compressor over n tokens from pos0 (ops.h compress); writes the completed entries to
// out[0 ..) and returns their count (known on the host: no synchronisation).
int64_t launch_compress(const float* kv, const float* score, int64_t n, int64_t pos0, int64_t ratio, bool overlap,
                        int64_t hd, const float* ape, float* kv_state, float* score_state, float* out, cudaStream_t s);

// ---- lightning indexer (indexer.cu) ----
// scores[i, j] (ld) for rows i < n at positions pos0 + i, keys j < (pos0 + i + 1) / ratio.
void launch_indexer_scores(const float* q, const float* w, int64_t n, int64_t heads, int64_t hd, const float* keys,
                           int64_t pos0, int64_t ratio, float* scores, int64_t ld, bool bf16, cudaStream_t s);
// idx[i, k]: the top-k of row i's visible scores, best first, ties to the lower index, -1 pad.
void launch_topk_rows(const float* scores, int64_t ld, int64_t n, int64_t pos0, int64_t ratio, int64_t k,
                      int32_t* idx, cudaStream_t s);

// ---- attention (attention.cu) ----
struct AttentionArgs {
  const float* q = nullptr;  // [n, heads, hd]
  int64_t n = 0, heads = 0, hd = 0, pos0 = 0;
  const float* win = nullptr;  // rows at positions win_pos0 + r
  int64_t win_pos0 = 0, window = 0;
  const float* comp = nullptr;
  const int32_t* comp_idx = nullptr;  // [n, k_comp] or null: every visible entry
  int64_t k_comp = 0, ratio = 0;
  const float* sink = nullptr;  // [heads]
  float scale = 1;
  float* out = nullptr;  // [n, heads, hd]
  bool bf16 = false;
};
// Splits each row's keys over `splits` blocks when splits > 1 (partials: n*heads*splits*(hd+2)).
void launch_attention(const AttentionArgs& a, int splits, float* partials, cudaStream_t s);
int64_t attention_max_keys(const AttentionArgs& a);  // the most keys any row attends to

// ---- output (softmax.cu) ----
void launch_log_softmax(const float* logits, int64_t n, int64_t v, float* out, cudaStream_t s);
// One token per row: argmax at temperature 0 (ties to the lower id), else the first token of
// the descending-probability order whose cumulative mass passes u[row] times the mass of the
// top-p nucleus (model/generate.cpp's Sampler, with its uniform draw u given).
void launch_sample(const float* logits, int64_t n, int64_t v, double temperature, double top_p, const double* u,
                   int32_t* out, cudaStream_t s);

// ---- benchmarks and tests ----
// x[i] = a random value of the format's natural range (deterministic in seed and i).
void launch_random_bytes(uint8_t* p, int64_t n, uint64_t seed, int kind, cudaStream_t s);
inline constexpr int kRandomE4M3 = 0, kRandomE2M1Pairs = 1, kRandomBF16 = 2, kRandomF32 = 3, kRandomE8M0 = 4;
// Streams src to dst (the copy kernel the benchmark measures HBM bandwidth with).
void launch_copy_f4(const float4* src, float4* dst, int64_t n, cudaStream_t s);

}  // namespace agent::engine::cuda
