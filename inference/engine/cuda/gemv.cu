// Matmuls of a few rows (decode): y[t, r] = Σ_k W[r, k] x[t, k] for t < n <= kGemvMaxTokens.
// Memory-bound: one warp per weight row streams the row once in 16-byte loads (two in flight
// per lane), decodes them exactly (FP8 through the hardware e4m3 -> f16 conversion, FP4
// through a 16-entry table in shared memory), applies the block or group scale to the partial
// sum of the 16 / 32 values it covers (scales are powers of two: the same value as scaling
// each weight) and keeps one f32 accumulator per token. Twin: cpu_matmul.cpp matmul.
// Grouped (routed experts): blockIdx.y is the pair, whose expert picks the weights.
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include "inference/engine/cuda/device_common.cuh"
#include "inference/engine/cuda/kernels.h"

namespace agent::engine::cuda {
namespace {

constexpr int kWarps = 8;
constexpr int kGeneric = -1;

struct GemvParams {
  DevMatrix w;
  Grouped g;
  bool grouped;
  const float* x;
  int64_t ldx, n;
  float* y;
  int64_t ldy;
  bool bf16;
};

template <int F>
struct Layout;  // elements per 16-byte load
template <>
struct Layout<int(WeightFormat::kF32)> { static constexpr int kElems = 4; };
template <>
struct Layout<int(WeightFormat::kBF16)> { static constexpr int kElems = 8; };
template <>
struct Layout<int(WeightFormat::kFP8Block)> { static constexpr int kElems = 16; };
template <>
struct Layout<int(WeightFormat::kFP4Group)> { static constexpr int kElems = 32; };

__device__ __forceinline__ uint32_t word(const uint4& v, int i) { return i == 0 ? v.x : i == 1 ? v.y : i == 2 ? v.z : v.w; }

// The kElems values of one 16-byte load, unscaled.
template <int F>
__device__ __forceinline__ void decode(const uint4& raw, const float* e2m1, float* out) {
  if constexpr (F == int(WeightFormat::kF32)) {
    out[0] = __uint_as_float(raw.x), out[1] = __uint_as_float(raw.y);
    out[2] = __uint_as_float(raw.z), out[3] = __uint_as_float(raw.w);
  } else if constexpr (F == int(WeightFormat::kBF16)) {
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const uint32_t u = word(raw, i);
      out[2 * i] = __uint_as_float(u << 16), out[2 * i + 1] = __uint_as_float(u & 0xffff0000u);
    }
  } else if constexpr (F == int(WeightFormat::kFP8Block)) {
#pragma unroll
    for (int i = 0; i < 8; ++i) {  // e4m3 -> f16 is exact (NaN codes stay NaN)
      const uint32_t u = word(raw, i / 2) >> (16 * (i % 2));
      const __half2_raw h = __nv_cvt_fp8x2_to_halfraw2(__nv_fp8x2_storage_t(u & 0xffff), __NV_E4M3);
      const float2 f = __half22float2(__half2(h));
      out[2 * i] = f.x, out[2 * i + 1] = f.y;
    }
  } else {
#pragma unroll
    for (int i = 0; i < 16; ++i) {  // byte j: element 2j in the low nibble, 2j+1 in the high one
      const uint32_t b = (word(raw, i / 4) >> (8 * (i % 4))) & 0xff;
      out[2 * i] = e2m1[b & 0xf], out[2 * i + 1] = e2m1[b >> 4];
    }
  }
}

template <int F>
__device__ __forceinline__ float chunk_scale(const DevMatrix& w, int64_t r, int64_t k0) {
  if constexpr (F == int(WeightFormat::kFP8Block)) return fp8_scale_at(w, r, k0);
  else if constexpr (F == int(WeightFormat::kFP4Group)) return fp4_scale_at(w, r, k0 / 32);
  else return 1.0f;
}

template <int F>
__device__ __forceinline__ const uint8_t* chunk_ptr(const uint8_t* row, int64_t k0) {
  if constexpr (F == int(WeightFormat::kF32)) return row + k0 * 4;
  else if constexpr (F == int(WeightFormat::kBF16)) return row + k0 * 2;
  else if constexpr (F == int(WeightFormat::kFP8Block)) return row + k0;
  else return row + k0 / 2;
}

// acc[t] += scale * Σ_i v[i] x[t, k0 + i].
template <int E>
__device__ __forceinline__ void accumulate(const float* v, float scale, const float* const* xr, int n, int64_t k0,
                                           float* acc) {
#pragma unroll
  for (int t = 0; t < kGemvMaxTokens; ++t) {
    if (t >= n) break;
    const float4* xp = reinterpret_cast<const float4*>(xr[t] + k0);
    float d = 0;
#pragma unroll
    for (int q = 0; q < E / 4; ++q) {
      const float4 xv = __ldg(xp + q);
      d = fmaf(v[4 * q], xv.x, d);
      d = fmaf(v[4 * q + 1], xv.y, d);
      d = fmaf(v[4 * q + 2], xv.z, d);
      d = fmaf(v[4 * q + 3], xv.w, d);
    }
    acc[t] = fmaf(scale, d, acc[t]);
  }
}

template <int F>
__global__ void __launch_bounds__(kWarps * 32) gemv_kernel(GemvParams p) {
  __shared__ float e2m1[16];
  if (threadIdx.x < 16) e2m1[threadIdx.x] = e2m1_value(uint8_t(threadIdx.x));
  __syncthreads();
  const int lane = threadIdx.x & 31;
  const int64_t r = int64_t(blockIdx.x) * kWarps + (threadIdx.x >> 5);
  DevMatrix w = p.w;
  const float* xr[kGemvMaxTokens];
  int n = int(p.n);
  int64_t yrow0 = 0;
  if (p.grouped) {  // one pair per blockIdx.y: its expert's weights, its token's row
    const int64_t pair = blockIdx.y;
    const DevMatrix& e = p.g.table[int64_t(p.g.expert[pair]) * 3 + p.g.which];
    w.data = e.data, w.scales = e.scales;
    xr[0] = p.x + (pair / p.g.x_div) * p.ldx;
    n = 1;
    yrow0 = pair;
  } else {
    for (int t = 0; t < kGemvMaxTokens; ++t) xr[t] = p.x + (t < n ? t : 0) * p.ldx;
  }
  if (r >= w.rows) return;
  float acc[kGemvMaxTokens] = {0, 0, 0, 0};
  const int64_t K = w.cols;
  int64_t k_tail = 0;
  if constexpr (F != kGeneric) {
    constexpr int E = Layout<F>::kElems;
    const uint8_t* row = w.data + r * w.row_bytes;
    const int64_t vec_end = K / E * E;
    int64_t k0 = int64_t(lane) * E;
    for (; k0 + 32 * E < vec_end; k0 += 64 * E) {  // two loads in flight
      const uint4 a = __ldcs(reinterpret_cast<const uint4*>(chunk_ptr<F>(row, k0)));
      const uint4 b = __ldcs(reinterpret_cast<const uint4*>(chunk_ptr<F>(row, k0 + 32 * E)));
      float v[E];
      decode<F>(a, e2m1, v);
      accumulate<E>(v, chunk_scale<F>(w, r, k0), xr, n, k0, acc);
      decode<F>(b, e2m1, v);
      accumulate<E>(v, chunk_scale<F>(w, r, k0 + 32 * E), xr, n, k0 + 32 * E, acc);
    }
    if (k0 < vec_end) {
      const uint4 a = __ldcs(reinterpret_cast<const uint4*>(chunk_ptr<F>(row, k0)));
      float v[E];
      decode<F>(a, e2m1, v);
      accumulate<E>(v, chunk_scale<F>(w, r, k0), xr, n, k0, acc);
    }
    k_tail = vec_end;
  }
  for (int64_t k = k_tail + lane; k < K; k += 32) {  // generic formats and ragged ends
    const float v = weight_value(w, r, k);
#pragma unroll
    for (int t = 0; t < kGemvMaxTokens; ++t) {
      if (t < n) acc[t] = fmaf(v, xr[t][k], acc[t]);
    }
  }
#pragma unroll
  for (int t = 0; t < kGemvMaxTokens; ++t) {
    if (t >= n) break;
    const float s = warp_sum(acc[t]);
    if (lane == 0) p.y[(yrow0 + t) * p.ldy + r] = p.bf16 ? round_bf16(s) : s;
  }
}

bool aligned16(const void* p) { return (reinterpret_cast<uintptr_t>(p) & 15) == 0; }

}  // namespace

void launch_gemv(const DevMatrix& w, const Grouped* g, const float* x, int64_t ldx, int64_t n, float* y, int64_t ldy,
                 bool bf16, cudaStream_t s) {
  if (n <= 0 || w.rows <= 0) return;
  GemvParams p{w, g ? *g : Grouped{}, g != nullptr, x, ldx, n, y, ldy, bf16};
  const dim3 grid(unsigned((w.rows + kWarps - 1) / kWarps), g ? unsigned(n) : 1u);
  // The vector path needs 16-byte aligned weight rows and x rows (ldx and x multiples of 4).
  // (Expert tables hold arena pointers, 256-byte aligned like w.data.)
  const bool vec = aligned16(w.data) && w.row_bytes % 16 == 0 && aligned16(x) && ldx % 4 == 0;
  const auto f = WeightFormat(w.format);
  if (vec && f == WeightFormat::kFP8Block) gemv_kernel<int(WeightFormat::kFP8Block)><<<grid, kWarps * 32, 0, s>>>(p);
  else if (vec && f == WeightFormat::kFP4Group) gemv_kernel<int(WeightFormat::kFP4Group)><<<grid, kWarps * 32, 0, s>>>(p);
  else if (vec && f == WeightFormat::kBF16) gemv_kernel<int(WeightFormat::kBF16)><<<grid, kWarps * 32, 0, s>>>(p);
  else if (vec && f == WeightFormat::kF32) gemv_kernel<int(WeightFormat::kF32)><<<grid, kWarps * 32, 0, s>>>(p);
  else gemv_kernel<kGeneric><<<grid, kWarps * 32, 0, s>>>(p);
  AGENT_LAUNCH_CHECK();
}

}  // namespace agent::engine::cuda
