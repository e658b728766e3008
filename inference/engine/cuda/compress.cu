// The compressor on the device: each step of compress_logic.h as a kernel, one thread per
// element. Twin: cpu_attention.cpp compress (the logic itself is checked against it on the
// host by compress_logic_test.cpp, the kernels by the gpu tests).
#include "inference/engine/cuda/compress_logic.h"
#include "inference/engine/cuda/device_common.cuh"
#include "inference/engine/cuda/kernels.h"

namespace agent::engine::cuda {
namespace {

constexpr int kThreads = 128;

__global__ void pool_kernel(CompressArgs a) {
  const int64_t ch = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (ch < a.hd) compress_pool(a, blockIdx.y, ch);
}

__global__ void shift_kernel(CompressArgs a) {
  const int64_t e = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (e < a.m * a.width) compress_shift(a, e);
}

__global__ void keep_kernel(CompressArgs a, int64_t count) {
  const int64_t e = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (e < count) compress_keep(a, e);
}

}  // namespace

int64_t launch_compress(const float* kv, const float* score, int64_t n, int64_t pos0, int64_t ratio, bool overlap,
                        int64_t hd, const float* ape, float* kv_state, float* score_state, float* out, cudaStream_t s) {
  if (n <= 0) return 0;
  const CompressArgs a{kv, score, n, pos0, ratio, hd, overlap ? 2 * hd : hd, overlap, ape, kv_state, score_state, out};
  const int64_t made = compress_made(a);
  if (made > 0) {
    pool_kernel<<<dim3(blocks_for(hd, kThreads), unsigned(made)), kThreads, 0, s>>>(a);
    AGENT_LAUNCH_CHECK();
    if (overlap) {
      shift_kernel<<<blocks_for(ratio * a.width, kThreads), kThreads, 0, s>>>(a);
      AGENT_LAUNCH_CHECK();
    }
  }
  const int64_t keep = (pos0 + n - compress_keep_first(a)) * a.width;
  if (keep > 0) {
    keep_kernel<<<blocks_for(keep, kThreads), kThreads, 0, s>>>(a, keep);
    AGENT_LAUNCH_CHECK();
  }
  return made;
}

}  // namespace agent::engine::cuda
