// Element-wise kernels: fill, add, scale, bf16 rounding, SwiGLU, embedding rows, and the
// random fills and copy kernel of the benchmark. Each element is computed with the same
// IEEE operations as the CPU twin, with explicit _rn intrinsics where the compiler would
// otherwise fuse a multiply and an add (the CPU library is built with -ffp-contract=off),
// so these ops match the CPU reference bit for bit (expf aside, within an ulp or two).
#include <algorithm>

#include "inference/engine/cuda/device_common.cuh"
#include "inference/engine/cuda/kernels.h"

namespace agent::engine::cuda {
namespace {

constexpr int kThreads = 256;

__global__ void fill_kernel(float* x, int64_t n, float v) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) x[i] = v;
}

__global__ void add_kernel(float* x, const float* y, int64_t n, bool bf16) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    const float v = __fadd_rn(x[i], y[i]);
    x[i] = bf16 ? round_bf16(v) : v;
  }
}

__global__ void scale_kernel(float* x, int64_t n, float f, bool bf16) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    const float v = __fmul_rn(x[i], f);
    x[i] = bf16 ? round_bf16(v) : v;
  }
}

__global__ void round_2d_kernel(float* x, int64_t rows, int64_t cols, int64_t ld) {
  const int64_t total = rows * cols;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total; i += int64_t(gridDim.x) * blockDim.x) {
    float* p = x + (i / cols) * ld + i % cols;
    *p = round_bf16(*p);
  }
}

// cpu_ops.cpp swiglu (wts null) and the hidden of cpu moe_experts (wts given): g and u are
// already the (bf16-rounded) linear outputs; h = wt * swiglu1(g, u), rounded when asked.
__global__ void swiglu_kernel(const float* g, const float* u, int64_t n, int64_t inter, float limit, const float* wts,
                              float* h, bool bf16) {
  const int64_t total = n * inter;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total; i += int64_t(gridDim.x) * blockDim.x) {
    float v = swiglu1(g[i], u[i], limit);
    if (wts) v = __fmul_rn(wts[i / inter], v);
    h[i] = bf16 ? round_bf16(v) : v;
  }
}

// out[t, :] = table row ids[t], decoded exactly.
__global__ void embed_kernel(DevMatrix table, const int32_t* ids, float* out) {
  const int64_t t = blockIdx.y;
  const int64_t r = ids[t];
  for (int64_t c = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; c < table.cols; c += int64_t(gridDim.x) * blockDim.x) {
    out[t * table.cols + c] = weight_value(table, r, c);
  }
}

__device__ __forceinline__ uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Random weights of realistic range for the benchmark: FP8 codes of magnitude <= 2 (no NaN
// codes), FP4 byte pairs, bf16 and f32 values in [-1, 1), E8M0 scales near 2^-6.
__global__ void random_kernel(uint8_t* p, int64_t n, uint64_t seed, int kind) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    const uint64_t r = mix64(seed * 0x9E3779B97F4A7C15ull + uint64_t(i));
    if (kind == kRandomE4M3) {
      p[i] = uint8_t((r & 0x80) | (r >> 8) % 0x48);  // exponent field <= 8: |v| < 4
    } else if (kind == kRandomE2M1Pairs) {
      p[i] = uint8_t(r);
    } else if (kind == kRandomE8M0) {
      p[i] = uint8_t(121 + (r >> 8) % 2);  // 2^-6 or 2^-5
    } else if (kind == kRandomBF16 && i % 2 == 0) {
      const uint16_t b = bf16_bits(float(int64_t(r >> 40) - (int64_t(1) << 23)) * (1.0f / float(1 << 23)));
      p[i] = uint8_t(b), p[i + 1] = uint8_t(b >> 8);
    } else if (kind == kRandomF32 && i % 4 == 0) {
      const uint32_t b = bits_of(float(int64_t(r >> 40) - (int64_t(1) << 23)) * (1.0f / float(1 << 23)));
      for (int j = 0; j < 4; ++j) p[i + j] = uint8_t(b >> (8 * j));
    }
  }
}

__global__ void copy_kernel(const float4* __restrict__ src, float4* __restrict__ dst, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    dst[i] = __ldcs(src + i);
  }
}

unsigned grid_for(int64_t n) { return unsigned(std::min<int64_t>((n + kThreads - 1) / kThreads, 65535 * 8)); }

}  // namespace

void launch_fill(float* x, int64_t n, float v, cudaStream_t s) {
  if (n <= 0) return;
  fill_kernel<<<grid_for(n), kThreads, 0, s>>>(x, n, v);
  AGENT_LAUNCH_CHECK();
}
void launch_add(float* x, const float* y, int64_t n, bool bf16, cudaStream_t s) {
  if (n <= 0) return;
  add_kernel<<<grid_for(n), kThreads, 0, s>>>(x, y, n, bf16);
  AGENT_LAUNCH_CHECK();
}
void launch_scale(float* x, int64_t n, float factor, bool bf16, cudaStream_t s) {
  if (n <= 0) return;
  scale_kernel<<<grid_for(n), kThreads, 0, s>>>(x, n, factor, bf16);
  AGENT_LAUNCH_CHECK();
}
void launch_round_bf16(float* x, int64_t n, cudaStream_t s) { launch_round_bf16_2d(x, 1, n, n, s); }
void launch_round_bf16_2d(float* x, int64_t rows, int64_t cols, int64_t ld, cudaStream_t s) {
  if (rows <= 0 || cols <= 0) return;
  round_2d_kernel<<<grid_for(rows * cols), kThreads, 0, s>>>(x, rows, cols, ld);
  AGENT_LAUNCH_CHECK();
}
void launch_swiglu(const float* g, const float* u, int64_t n, int64_t inter, float limit, const float* wts, float* h,
                   bool bf16, cudaStream_t s) {
  if (n <= 0 || inter <= 0) return;
  swiglu_kernel<<<grid_for(n * inter), kThreads, 0, s>>>(g, u, n, inter, limit, wts, h, bf16);
  AGENT_LAUNCH_CHECK();
}
void launch_embed(const DevMatrix& table, const int32_t* ids, int64_t n, float* out, cudaStream_t s) {
  if (n <= 0) return;
  const dim3 grid(unsigned(std::min<int64_t>((table.cols + kThreads - 1) / kThreads, 64)), unsigned(n));
  embed_kernel<<<grid, kThreads, 0, s>>>(table, ids, out);
  AGENT_LAUNCH_CHECK();
}
void launch_random_bytes(uint8_t* p, int64_t n, uint64_t seed, int kind, cudaStream_t s) {
  if (n <= 0) return;
  random_kernel<<<grid_for(n), kThreads, 0, s>>>(p, n, seed, kind);
  AGENT_LAUNCH_CHECK();
}
void launch_copy_f4(const float4* src, float4* dst, int64_t n, cudaStream_t s) {
  if (n <= 0) return;
  copy_kernel<<<grid_for(n), kThreads, 0, s>>>(src, dst, n);
  AGENT_LAUNCH_CHECK();
}

}  // namespace agent::engine::cuda
