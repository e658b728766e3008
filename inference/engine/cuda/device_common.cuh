// Device helpers shared by the kernels (internal to cuda/): launch checks, warp and block
// reductions, and the exact decoding of one weight element of every format (the values the
// CPU reference's row_f32 produces, cpu_matmul.cpp).
#pragma once

#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>

#include "inference/engine/cuda/dev_matrix.h"
#include "inference/engine/cuda/numerics.h"
#include "inference/engine/ops/weight_matrix.h"

namespace agent::engine::cuda {

// A failed launch is a bug (bad grid, too much shared memory) or a dead device: abort with
// the place and the CUDA error, as a CHECK does.
inline void launch_check(const char* file, int line) {
  const cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess) {
    std::fprintf(stderr, "%s:%d: CUDA kernel launch failed: %s\n", file, line, cudaGetErrorString(e));
    std::abort();
  }
}
#define AGENT_LAUNCH_CHECK() ::agent::engine::cuda::launch_check(__FILE__, __LINE__)

inline unsigned blocks_for(int64_t n, int threads) { return unsigned((n + threads - 1) / threads); }

__device__ __forceinline__ float warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}
__device__ __forceinline__ double warp_sum_d(double v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}
__device__ __forceinline__ float warp_max(float v) {
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

// Sum over the block (blockDim.x a multiple of 32, at most 1024); every thread gets it.
// `red` holds 32 floats of shared memory. Fixed order: deterministic for a given launch.
__device__ __forceinline__ float block_sum(float v, float* red) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
  v = warp_sum(v);
  __syncthreads();  // red may still be read by a previous call
  if (lane == 0) red[warp] = v;
  __syncthreads();
  float t = 0;
  for (int i = 0; i < warps; ++i) t += red[i];
  return t;
}
__device__ __forceinline__ float block_max(float v, float* red) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
  v = warp_max(v);
  __syncthreads();
  if (lane == 0) red[warp] = v;
  __syncthreads();
  float t = red[0];
  for (int i = 1; i < warps; ++i) t = fmaxf(t, red[i]);
  return t;
}

__device__ __forceinline__ float fp8_scale_at(const DevMatrix& w, int64_t r, int64_t c) {
  const int64_t sb_cols = (w.cols + 127) / 128;
  return static_cast<const float*>(w.scales)[((r + w.row_offset) / 128) * sb_cols + c / 128];
}
__device__ __forceinline__ float fp4_scale_at(const DevMatrix& w, int64_t r, int64_t g) {
  const int64_t i = r * (w.cols / 32) + g;
  return w.scale_f32 ? static_cast<const float*>(w.scales)[i] : e8m0_value(static_cast<const uint8_t*>(w.scales)[i]);
}

// Element (r, c) of w as f32, exactly (decode then scale, as cpu_matmul.cpp's row_f32).
__device__ __forceinline__ float weight_value(const DevMatrix& w, int64_t r, int64_t c) {
  const uint8_t* row = w.data + r * w.row_bytes;
  switch (WeightFormat(w.format)) {
    case WeightFormat::kF32: return reinterpret_cast<const float*>(row)[c];
    case WeightFormat::kF16: return f16_value(reinterpret_cast<const uint16_t*>(row)[c]);
    case WeightFormat::kBF16: return bf16_value(reinterpret_cast<const uint16_t*>(row)[c]);
    case WeightFormat::kFP8Block: return e4m3_value(row[c]) * fp8_scale_at(w, r, c);
    case WeightFormat::kFP4Group: {
      const uint8_t b = row[c / 2];
      return e2m1_value((c & 1) ? (b >> 4) : (b & 0xf)) * fp4_scale_at(w, r, c / 32);
    }
    case WeightFormat::kQ8_0: {
      const uint8_t* blk = row + (c / 32) * 34;
      return f16_value(uint16_t(blk[0] | (blk[1] << 8))) * float(int8_t(blk[2 + c % 32]));
    }
    case WeightFormat::kMXFP4: {
      const uint8_t* blk = row + (c / 32) * 17;
      const int j = int(c % 32);
      const uint8_t b = blk[1 + (j & 15)];
      return e8m0_value(blk[0]) * e2m1_value(j < 16 ? (b & 0xf) : (b >> 4));
    }
  }
  return 0.0f;
}

}  // namespace agent::engine::cuda
