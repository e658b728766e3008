// Manifold hyper-connections (deepseek-v4-model.md 2.2): the 24 mixing dot products over the
// flattened streams [hc * d] (split over blocks, summed in a fixed order), then per token one
// thread does the sigmoids and the 4x4 Sinkhorn normalisation with the CPU's exact sequence of
// operations (cpu_ops.cpp hc_pre / hc_head), and the block forms y = Σ pre_i X_i.
// hc_post is element-wise and bit-identical to the CPU.
#include "inference/engine/cuda/device_common.cuh"
#include "inference/engine/cuda/kernels.h"

namespace agent::engine::cuda {
namespace {

constexpr int kMaxMix = 24;  // (2 + hc) * hc for hc <= 4
constexpr int kMaxHc = 4;
constexpr int kPart = kMaxMix + 1;  // the mix dots and the sum of squares
constexpr int kThreads = 256;

int64_t splits_for(int64_t n, int64_t flat) {
  const int64_t by_size = flat / 256 > 0 ? flat / 256 : 1;
  const int64_t by_rows = (512 + n - 1) / n;
  const int64_t s = by_size < by_rows ? by_size : by_rows;
  return s > 64 ? 64 : s < 1 ? 1 : s;
}

// part[(t * S + s) * kPart + j]: partial dot of fn row j (j < mix) and sum of squares (j =
// kMaxMix) over chunk s of token t's flattened streams.
__global__ void mix_kernel(const float* X, int64_t flat, const float* fn, int mix, int64_t chunk, float* part) {
  __shared__ float red[kThreads / 32][kPart];
  const int64_t t = blockIdx.y, s = blockIdx.x;
  const float* x = X + t * flat;
  const int64_t c0 = s * chunk, c1 = c0 + chunk < flat ? c0 + chunk : flat;
  float acc[kPart];
#pragma unroll
  for (int j = 0; j < kPart; ++j) acc[j] = 0;
  for (int64_t e = c0 + threadIdx.x; e < c1; e += blockDim.x) {
    const float v = x[e];
    acc[kMaxMix] += v * v;
#pragma unroll
    for (int j = 0; j < kMaxMix; ++j) {
      if (j < mix) acc[j] += fn[j * flat + e] * v;
    }
  }
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
#pragma unroll
  for (int j = 0; j < kPart; ++j) {
    const float v = warp_sum(acc[j]);
    if (lane == 0) red[warp][j] = v;
  }
  __syncthreads();
  if (threadIdx.x < kPart) {
    float v = 0;
    for (int w = 0; w < kThreads / 32; ++w) v += red[w][threadIdx.x];
    part[(t * gridDim.x + s) * kPart + threadIdx.x] = v;
  }
}

__device__ __forceinline__ float sigmoid(float z) { return 1.0f / (1.0f + expf(-z)); }

// The mix dots and 1/rms of token t from the partials, in a fixed order (thread 0 only).
__device__ float gather_mix(const float* part, int64_t t, int64_t S, int mix, int64_t flat, float norm_eps,
                            float* m) {
  float sq = 0;
  for (int j = 0; j < mix; ++j) m[j] = 0;
  for (int64_t s = 0; s < S; ++s) {
    const float* p = part + (t * S + s) * kPart;
    for (int j = 0; j < mix; ++j) m[j] += p[j];
    sq += p[kMaxMix];
  }
  return 1.0f / sqrtf(sq / float(flat) + norm_eps);
}

// cpu_ops.cpp sinkhorn, operation for operation.
__device__ void sinkhorn(float* c, int hc, int64_t iters, float eps) {
  for (int i = 0; i < hc; ++i) {
    float* row = c + i * hc;
    float mx = row[0];
    for (int j = 1; j < hc; ++j) mx = row[j] > mx ? row[j] : mx;
    float s = 0;
    for (int j = 0; j < hc; ++j) s = __fadd_rn(s, row[j] = expf(row[j] - mx));
    for (int j = 0; j < hc; ++j) row[j] = __fadd_rn(__fdiv_rn(row[j], s), eps);
  }
  for (int64_t it = 0; it < iters; ++it) {
    if (it > 0) {
      for (int i = 0; i < hc; ++i) {
        float s = 0;
        for (int j = 0; j < hc; ++j) s = __fadd_rn(s, c[i * hc + j]);
        for (int j = 0; j < hc; ++j) c[i * hc + j] = __fdiv_rn(c[i * hc + j], __fadd_rn(s, eps));
      }
    }
    for (int j = 0; j < hc; ++j) {
      float s = 0;
      for (int i = 0; i < hc; ++i) s = __fadd_rn(s, c[i * hc + j]);
      for (int i = 0; i < hc; ++i) c[i * hc + j] = __fdiv_rn(c[i * hc + j], __fadd_rn(s, eps));
    }
  }
}

// y[t, c] = Σ_i pre_i X[t, i, c], f32 in stream order (cpu weighted_streams).
__device__ void weighted_streams(const float* x, const float* pre, int hc, int64_t d, float* y, bool bf16) {
  for (int64_t c = threadIdx.x; c < d; c += blockDim.x) {
    float s = 0;
    for (int i = 0; i < hc; ++i) s = __fadd_rn(s, __fmul_rn(pre[i], x[i * d + c]));
    y[c] = bf16 ? round_bf16(s) : s;
  }
}

__global__ void pre_finish_kernel(const float* X, int hc, int64_t d, const float* part, int64_t S, const float* scale,
                                  const float* base, int64_t iters, float hc_eps, float norm_eps, float* y, float* post,
                                  float* comb, bool bf16) {
  __shared__ float pre[kMaxHc];
  const int64_t t = blockIdx.x, flat = hc * d;
  const int mix = (2 + hc) * hc;
  if (threadIdx.x == 0) {
    float m[kMaxMix];
    const float r = gather_mix(part, t, S, mix, flat, norm_eps, m);
    for (int j = 0; j < mix; ++j) m[j] = __fmul_rn(m[j], r);
    for (int i = 0; i < hc; ++i) {
      pre[i] = __fadd_rn(sigmoid(__fadd_rn(__fmul_rn(m[i], scale[0]), base[i])), hc_eps);
      post[t * hc + i] = 2.0f * sigmoid(__fadd_rn(__fmul_rn(m[hc + i], scale[1]), base[hc + i]));
    }
    float* c = comb + t * hc * hc;
    for (int k = 0; k < hc * hc; ++k) c[k] = __fadd_rn(__fmul_rn(m[2 * hc + k], scale[2]), base[2 * hc + k]);
    sinkhorn(c, hc, iters, hc_eps);
  }
  __syncthreads();
  weighted_streams(X + t * flat, pre, hc, d, y + t * d, bf16);
}

__global__ void head_finish_kernel(const float* X, int hc, int64_t d, const float* part, int64_t S, const float* scale,
                                   const float* base, float hc_eps, float norm_eps, float* y, bool bf16) {
  __shared__ float pre[kMaxHc];
  const int64_t t = blockIdx.x, flat = hc * d;
  if (threadIdx.x == 0) {
    float m[kMaxMix];
    const float r = gather_mix(part, t, S, hc, flat, norm_eps, m);
    for (int i = 0; i < hc; ++i) {
      pre[i] = __fadd_rn(sigmoid(__fadd_rn(__fmul_rn(__fmul_rn(m[i], r), scale[0]), base[i])), hc_eps);
    }
  }
  __syncthreads();
  weighted_streams(X + t * flat, pre, hc, d, y + t * d, bf16);
}

// Xout[t, j, k] = post[t, j] * f[t, k] + Σ_i comb[t, i, j] * X[t, i, k] (cpu hc_post).
__global__ void post_kernel(const float* f, const float* X, const float* post, const float* comb, int64_t n, int hc,
                            int64_t d, float* Xout, bool bf16) {
  const int64_t total = n * hc * d;
  for (int64_t e = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; e < total; e += int64_t(gridDim.x) * blockDim.x) {
    const int64_t k = e % d, j = (e / d) % hc, t = e / (d * hc);
    const float* x = X + t * hc * d;
    const float* c = comb + t * hc * hc;
    float s = 0;
    for (int i = 0; i < hc; ++i) s = __fadd_rn(s, __fmul_rn(c[i * hc + j], x[i * d + k]));
    const float v = __fadd_rn(__fmul_rn(post[t * hc + j], f[t * d + k]), s);
    Xout[e] = bf16 ? round_bf16(v) : v;
  }
}

void mix(const float* X, int64_t n, int64_t flat, const float* fn, int rows, float* part, cudaStream_t s) {
  const int64_t S = splits_for(n, flat), chunk = (flat + S - 1) / S;
  mix_kernel<<<dim3(unsigned(S), unsigned(n)), kThreads, 0, s>>>(X, flat, fn, rows, chunk, part);
  AGENT_LAUNCH_CHECK();
}

}  // namespace

int64_t hc_scratch_floats(int64_t n, int64_t hc, int64_t d) { return n * splits_for(n, hc * d) * kPart; }

void launch_hc_pre(const float* X, int64_t n, int64_t hc, int64_t d, const float* fn, const float* scale,
                   const float* base, int64_t iters, float hc_eps, float norm_eps, float* y, float* post, float* comb,
                   bool bf16, float* scratch, cudaStream_t s) {
  if (n <= 0) return;
  if (hc > kMaxHc) {
    std::fprintf(stderr, "hc_pre: hc_mult %lld > %d is not supported by the CUDA kernels\n", (long long)hc, kMaxHc);
    std::abort();
  }
  mix(X, n, hc * d, fn, int((2 + hc) * hc), scratch, s);
  pre_finish_kernel<<<unsigned(n), kThreads, 0, s>>>(X, int(hc), d, scratch, splits_for(n, hc * d), scale, base, iters,
                                                     hc_eps, norm_eps, y, post, comb, bf16);
  AGENT_LAUNCH_CHECK();
}

void launch_hc_post(const float* f, const float* X, const float* post, const float* comb, int64_t n, int64_t hc,
                    int64_t d, float* Xout, bool bf16, cudaStream_t s) {
  const int64_t total = n * hc * d;
  if (total <= 0) return;
  const int64_t blocks = (total + kThreads - 1) / kThreads;
  post_kernel<<<unsigned(blocks < 65535 * 8 ? blocks : 65535 * 8), kThreads, 0, s>>>(f, X, post, comb, n, int(hc), d,
                                                                                       Xout, bf16);
  AGENT_LAUNCH_CHECK();
}

void launch_hc_head(const float* X, int64_t n, int64_t hc, int64_t d, const float* fn, const float* scale,
                    const float* base, float hc_eps, float norm_eps, float* y, bool bf16, float* scratch,
                    cudaStream_t s) {
  if (n <= 0) return;
  if (hc > kMaxHc) {
    std::fprintf(stderr, "hc_head: hc_mult %lld > %d is not supported by the CUDA kernels\n", (long long)hc, kMaxHc);
    std::abort();
  }
  mix(X, n, hc * d, fn, int(hc), scratch, s);
  head_finish_kernel<<<unsigned(n), kThreads, 0, s>>>(X, int(hc), d, scratch, splits_for(n, hc * d), scale, base,
                                                      hc_eps, norm_eps, y, bf16);
  AGENT_LAUNCH_CHECK();
}

}  // namespace agent::engine::cuda
