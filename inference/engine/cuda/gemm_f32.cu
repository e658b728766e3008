// Tiled f32 matmul for every weight format: the path of exact numerics (f32 activations, no
// simulation) and of weights the FP8 tensor cores cannot take (bf16 compressors, router, head
// of a prefill, GGUF formats). Weight tiles are decoded exactly into shared memory, then
// 64 weight rows x 64 tokens per block, 4 x 4 outputs per thread, f32 FMA. Grouped mode runs
// the routed experts: one block per (expert, run of up to 64 of its pairs) and weight tile.
// Twin: cpu_matmul.cpp matmul / moe_experts. Not the fast path (see docs/engine-cuda.md).
#include "inference/engine/cuda/device_common.cuh"
#include "inference/engine/cuda/kernels.h"

namespace agent::engine::cuda {
namespace {

constexpr int kBM = 64, kBN = kGemmF32TokenTile, kBK = 32, kThreads = 256;

struct Params {
  DevMatrix w;
  Grouped g;
  GroupWork gw;
  bool grouped;
  const float* x;
  int64_t ldx, n;
  float* y;
  int64_t ldy;
  bool bf16;
};

__global__ void __launch_bounds__(kThreads) gemm_f32_kernel(Params p) {
  __shared__ float Ws[kBK][kBM + 4];
  __shared__ float Xs[kBK][kBN + 4];
  __shared__ int64_t xoff[kBN], yoff[kBN];
  __shared__ int count_s;
  const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
  const int64_t row0 = int64_t(blockIdx.y) * kBM;
  DevMatrix w = p.w;
  if (p.grouped) {
    if (int64_t(blockIdx.x) >= *p.gw.n_items) return;
    const int4 it = p.gw.items[blockIdx.x];  // {expert, first sorted index, count, -}
    const DevMatrix& e = p.g.table[int64_t(it.x) * 3 + p.g.which];
    w.data = e.data, w.scales = e.scales;
    if (tid < kBN) {
      const int64_t pair = tid < it.z ? p.gw.sorted[it.y + tid] : 0;
      xoff[tid] = (pair / p.g.x_div) * p.ldx;
      yoff[tid] = pair * p.ldy;
    }
    if (tid == 0) count_s = it.z;
  } else {
    const int64_t t0 = int64_t(blockIdx.x) * kBN;
    if (tid < kBN) {
      const int64_t t = t0 + tid < p.n ? t0 + tid : t0;
      xoff[tid] = t * p.ldx;
      yoff[tid] = t * p.ldy;
    }
    if (tid == 0) count_s = int(p.n - t0 < kBN ? p.n - t0 : kBN);
  }
  __syncthreads();
  const int count = count_s;
  const int64_t K = w.cols;
  float acc[4][4] = {};
  for (int64_t k0 = 0; k0 < K; k0 += kBK) {
    for (int i = tid; i < kBM * kBK; i += kThreads) {
      const int r = i / kBK, kk = i % kBK;
      const int64_t gr = row0 + r, gk = k0 + kk;
      Ws[kk][r] = (gr < w.rows && gk < K) ? weight_value(w, gr, gk) : 0.0f;
    }
    for (int i = tid; i < kBN * kBK; i += kThreads) {
      const int t = i / kBK, kk = i % kBK;
      Xs[kk][t] = (t < count && k0 + kk < K) ? p.x[xoff[t] + k0 + kk] : 0.0f;
    }
    __syncthreads();
#pragma unroll 8
    for (int kk = 0; kk < kBK; ++kk) {
      float a[4], b[4];
#pragma unroll
      for (int i = 0; i < 4; ++i) a[i] = Ws[kk][ty * 4 + i], b[i] = Xs[kk][tx * 4 + i];
#pragma unroll
      for (int i = 0; i < 4; ++i) {
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
      }
    }
    __syncthreads();
  }
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int64_t r = row0 + ty * 4 + i;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const int t = tx * 4 + j;
      if (r < w.rows && t < count) p.y[yoff[t] + r] = p.bf16 ? round_bf16(acc[i][j]) : acc[i][j];
    }
  }
}

}  // namespace

void launch_gemm_f32(const DevMatrix& w, const Grouped* g, const GroupWork* gw, const float* x, int64_t ldx, int64_t n,
                     float* y, int64_t ldy, bool bf16, cudaStream_t s) {
  if (n <= 0 || w.rows <= 0) return;
  Params p{w, g ? *g : Grouped{}, gw ? *gw : GroupWork{}, gw != nullptr, x, ldx, n, y, ldy, bf16};
  const unsigned gx = gw ? unsigned(gw->max_items) : unsigned((n + kBN - 1) / kBN);
  const dim3 grid(gx, unsigned((w.rows + kBM - 1) / kBM));
  gemm_f32_kernel<<<grid, kThreads, 0, s>>>(p);
  AGENT_LAUNCH_CHECK();
}

}  // namespace agent::engine::cuda
