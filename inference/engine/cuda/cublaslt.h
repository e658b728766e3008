// cuBLASLt for the FP8 GEMMs it supports on Hopper, loaded at run time (dlopen of
// libcublasLt.so.13): nothing links cuBLAS, so the test and benchmark binaries built on one
// machine run on a GPU machine that lacks it (our own FP8 kernel takes over).
//
// Block-scaled: D[n, N] f32 = X[n, K] e4m3 (1x128 f32 scales, VEC128) · W[N, K]ᵀ e4m3
// (128x128 f32 scales, BLK128x128, the checkpoint's own layout [N/128, K/128]) — DeepSeek's
// fp8_gemm, CUDA 12.9+ on sm_90. Per-tensor: the benchmark's FP8 matrix-rate ceiling.
// Thread-safety: one caller at a time (owned by one CudaOps or one benchmark).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>

namespace agent::engine::cuda {

class CublasLt {
 public:
  // Null, with the reason in *why, when the library or a symbol is missing.
  static std::unique_ptr<CublasLt> load(std::string* why);
  ~CublasLt();
  CublasLt(const CublasLt&) = delete;
  CublasLt& operator=(const CublasLt&) = delete;

  // x_scales[kb * n + t] (token-major inside each 128-block, as cuBLASLt's VEC128 layout);
  // w_scales[nb * ceil(K/128) + kb]. Returns false when cuBLASLt offers no algorithm (the
  // caller falls back to its own kernel); CUDA errors of the launch abort.
  bool fp8_block_gemm(const uint8_t* w, const float* w_scales, int64_t N, int64_t K, const uint8_t* x,
                      const float* x_scales, int64_t n, float* d, int64_t ldd, void* ws, size_t ws_bytes,
                      cudaStream_t s);
  // D[n, N] bf16 = (X[n, K] · W[N, K]ᵀ) * (*x_scale) * (*w_scale), scales device pointers.
  bool fp8_gemm_tensor_scaled(const uint8_t* w, const float* w_scale, int64_t N, int64_t K, const uint8_t* x,
                              const float* x_scale, int64_t n, void* d_bf16, void* ws, size_t ws_bytes,
                              cudaStream_t s);
  std::string version() const;

 private:
  struct Api;
  struct Plan;
  CublasLt() = default;
  Plan* plan(bool block_scaled, int64_t N, int64_t K, int64_t n, int64_t ldd, size_t ws_bytes);
  void* lib_ = nullptr;
  std::unique_ptr<Api> api_;
  void* handle_ = nullptr;
  std::map<std::tuple<bool, int64_t, int64_t, int64_t, int64_t>, std::unique_ptr<Plan>> plans_;
};

}  // namespace agent::engine::cuda
