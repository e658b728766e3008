// RMSNorm, RoPE (interleaved pairs, YaRN frequencies from the host), the normalised
// Walsh-Hadamard transform and the FP4 simulation. Twins: cpu_ops.cpp. Hadamard and FP4
// simulation repeat the CPU's operations element by element (bit-identical); RMSNorm differs
// only in the order of its sum of squares; RoPE in cosf/sinf against glibc's (an ulp).
#include "inference/engine/cuda/device_common.cuh"
#include "inference/engine/cuda/kernels.h"

namespace agent::engine::cuda {
namespace {

// One block per row: y = x * rsqrt(mean(x^2) + eps) * w (w may be null). In place is fine:
// every read of the sum happens before the barrier in block_sum, and each thread then
// rewrites only the elements it reads.
__global__ void rms_norm_kernel(const float* x, int64_t ldx, const float* w, int64_t d, float eps, float* y,
                                int64_t ldy, bool bf16, bool chain) {
  __shared__ float red[32];
  const float* xr = x + blockIdx.x * ldx;
  float* yr = y + blockIdx.x * ldy;
  float ss = 0;
  for (int64_t i = threadIdx.x; i < d; i += blockDim.x) {
    const float sq = __fmul_rn(xr[i], xr[i]);
    ss += chain ? round_bf16(sq) : sq;
  }
  ss = block_sum(ss, red);
  float r;
  if (chain) {  // a bf16 tensor expression in the reference: each step rounded
    const float mean = round_bf16(ss / float(d));
    r = round_bf16(1.0f / sqrtf(round_bf16(mean + eps)));
  } else {
    r = 1.0f / sqrtf(ss / float(d) + eps);
  }
  for (int64_t i = threadIdx.x; i < d; i += blockDim.x) {
    float v = __fmul_rn(xr[i], r);
    if (w) v = __fmul_rn(w[i], v);
    yr[i] = bf16 ? round_bf16(v) : v;
  }
}

// One thread per rotated pair: x[t, h, offset + 2i .. 2i+1] at position pos0 + t * step.
__global__ void rope_kernel(float* x, int64_t n, int64_t heads, int64_t ld_row, int64_t ld_head, int64_t offset,
                            int64_t pos0, int64_t step, RopeTable tab, bool inverse, bool bf16) {
  const int64_t total = n * heads * tab.half;
  for (int64_t k = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; k < total; k += int64_t(gridDim.x) * blockDim.x) {
    const int64_t i = k % tab.half, h = (k / tab.half) % heads, t = k / (tab.half * heads);
    const float pos = float(pos0 + t * step);
    const float ang = __fmul_rn(pos, tab.inv_freq[i]);  // f32 product, as the reference's outer()
    const float cs = cosf(ang), sn = inverse ? -sinf(ang) : sinf(ang);
    float* v = x + t * ld_row + h * ld_head + offset + 2 * i;
    const float a = v[0], c = v[1];
    const float re = __fsub_rn(__fmul_rn(a, cs), __fmul_rn(c, sn));
    const float im = __fadd_rn(__fmul_rn(a, sn), __fmul_rn(c, cs));
    v[0] = bf16 ? round_bf16(re) : re;
    v[1] = bf16 ? round_bf16(im) : im;
  }
}

// One block per row, the row in shared memory; the CPU's butterfly order (h = 1, 2, 4, ...).
__global__ void hadamard_kernel(float* x, int64_t dim, float scale, bool bf16) {
  extern __shared__ float v[];
  float* row = x + blockIdx.x * dim;
  for (int64_t i = threadIdx.x; i < dim; i += blockDim.x) v[i] = row[i];
  __syncthreads();
  for (int64_t h = 1; h < dim; h *= 2) {
    for (int64_t p = threadIdx.x; p < dim / 2; p += blockDim.x) {
      const int64_t i = (p / h) * 2 * h + p % h, j = i + h;
      const float a = v[i], c = v[j];
      v[i] = __fadd_rn(a, c);
      v[j] = __fsub_rn(a, c);
    }
    __syncthreads();
  }
  for (int64_t i = threadIdx.x; i < dim; i += blockDim.x) {
    const float s = __fmul_rn(v[i], scale);
    row[i] = bf16 ? round_bf16(s) : s;
  }
}

// One thread per block of `block` values: e2m1 quantise-dequantise, result in bf16.
__global__ void fp4_kernel(float* x, int64_t rows, int64_t dim, int64_t block) {
  const int64_t per_row = (dim + block - 1) / block, total = rows * per_row;
  for (int64_t k = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; k < total; k += int64_t(gridDim.x) * blockDim.x) {
    const int64_t r = k / per_row, s = (k % per_row) * block;
    float* v = x + r * dim + s;
    const int64_t len = dim - s < block ? dim - s : block;
    float amax = 0;
    for (int64_t i = 0; i < len; ++i) amax = fmaxf(amax, fabsf(v[i]));
    amax = fmaxf(amax, 6.0f * ldexpf(1.0f, -126));
    const float sc = pow2_ceil(amax / 6.0f);
    for (int64_t i = 0; i < len; ++i) {
      const float q = fminf(fmaxf(v[i] / sc, -6.0f), 6.0f);
      v[i] = round_bf16(__fmul_rn(e2m1_value(e2m1_code(q)), sc));
    }
  }
}

unsigned grid_for(int64_t n, int threads) {
  const int64_t b = (n + threads - 1) / threads;
  return unsigned(b < 65535 * 8 ? b : 65535 * 8);
}

}  // namespace

void launch_rms_norm(const float* x, int64_t ldx, const float* w, int64_t n, int64_t d, float eps, float* y,
                     int64_t ldy, bool bf16, bool bf16_chain, cudaStream_t s) {
  if (n <= 0) return;
  const int threads = d >= 1024 ? 256 : d >= 256 ? 128 : 64;
  rms_norm_kernel<<<unsigned(n), threads, 0, s>>>(x, ldx, w, d, eps, y, ldy, bf16, bf16_chain);
  AGENT_LAUNCH_CHECK();
}

void launch_rope(float* x, int64_t n, int64_t heads, int64_t ld_row, int64_t ld_head, int64_t offset, int64_t pos0,
                 int64_t pos_step, const RopeTable& t, bool inverse, bool bf16, cudaStream_t s) {
  const int64_t total = n * heads * t.half;
  if (total <= 0) return;
  rope_kernel<<<grid_for(total, 256), 256, 0, s>>>(x, n, heads, ld_row, ld_head, offset, pos0, pos_step, t, inverse,
                                                   bf16);
  AGENT_LAUNCH_CHECK();
}

void launch_hadamard(float* x, int64_t rows, int64_t dim, float scale, bool bf16, cudaStream_t s) {
  if (rows <= 0) return;
  const int threads = dim / 2 >= 256 ? 256 : int(dim / 2 < 32 ? 32 : dim / 2);
  hadamard_kernel<<<unsigned(rows), threads, size_t(dim) * sizeof(float), s>>>(x, dim, scale, bf16);
  AGENT_LAUNCH_CHECK();
}

void launch_fp4_simulate(float* x, int64_t rows, int64_t dim, int64_t block, cudaStream_t s) {
  const int64_t total = rows * ((dim + block - 1) / block);
  if (total <= 0) return;
  fp4_kernel<<<grid_for(total, 128), 128, 0, s>>>(x, rows, dim, block);
  AGENT_LAUNCH_CHECK();
}

}  // namespace agent::engine::cuda
