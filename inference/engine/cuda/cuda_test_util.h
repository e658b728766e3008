// Test helpers for the CUDA-vs-CPU comparisons (tests only): a fixture holding both backends
// that skips without a GPU, random inputs drawn fresh for every run (the seed is printed so a
// failure can be replayed with AGENT_TEST_SEED), device buffers poisoned with NaN before each
// op (an element the kernel never wrote stays NaN and fails the comparison), random weight
// matrices of every format, and a normwise relative-error check.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "inference/engine/cpu/cpu_ops.h"
#include "inference/engine/cuda/cuda_ops.h"
#include "inference/engine/weights/dtype.h"

namespace agent::engine::cuda::testing {

inline uint64_t test_seed() {
  if (const char* s = std::getenv("AGENT_TEST_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device{}() * 0x9E3779B97F4A7C15ull + uint64_t(std::random_device{}());
}

// ‖a − b‖ / ‖b‖ (0 when both are 0); NaN or infinity in `a` counts as a failure (unwritten).
struct Error {
  double rel = 0, max_abs = 0;
  int64_t bad = 0;  // non-finite elements of the GPU result where the reference is finite
};
inline Error compare(const std::vector<float>& gpu, const std::vector<float>& ref) {
  Error e;
  double num = 0, den = 0;
  for (size_t i = 0; i < ref.size() && i < gpu.size(); ++i) {
    if (!std::isfinite(gpu[i]) && std::isfinite(ref[i])) {
      ++e.bad;
      continue;
    }
    if (!std::isfinite(ref[i])) continue;
    const double d = double(gpu[i]) - double(ref[i]);
    num += d * d, den += double(ref[i]) * ref[i];
    e.max_abs = std::max(e.max_abs, std::fabs(d));
  }
  e.rel = den > 0 ? std::sqrt(num / den) : std::sqrt(num);
  return e;
}

#define EXPECT_CLOSE(gpu, ref, tol, what)                                                                     \
  do {                                                                                                        \
    const auto e_ = ::agent::engine::cuda::testing::compare(gpu, ref);                                        \
    EXPECT_EQ((gpu).size(), (ref).size()) << what;                                                            \
    EXPECT_EQ(e_.bad, 0) << what << ": " << e_.bad << " elements not written (still NaN) or not finite";      \
    EXPECT_LE(e_.rel, tol) << what << ": relative error " << e_.rel << " (max abs " << e_.max_abs << ")";     \
  } while (0)

class CudaVsCpu : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    if (!cuda_device_available(&why)) GTEST_SKIP() << "no CUDA device here (" << why << "): GPU test skipped";
    CudaOptions o;
    o.kv_tokens = 4096;
    o.max_tokens_per_forward = 256;
    auto g = CudaOps::create(config(), size_t(1) << 30, o);
    ASSERT_TRUE(g.ok()) << g.status().to_string();
    gpu_ = std::move(g).value();
    seed_ = test_seed();
    rng_.seed(seed_);
    std::printf("[ seed     ] AGENT_TEST_SEED=%llu\n", static_cast<unsigned long long>(seed_));
  }
  void TearDown() override {
    if (!gpu_) return;
    for (void* p : live_) gpu_->release(p);
  }
  // A config only for the memory plan of these op tests (dims of the tiny test models).
  static ModelConfig config() {
    ModelConfig c;
    c.n_layers = 2, c.compress_ratios = {4, 128}, c.dim = 512, c.n_routed_experts = 16;
    return c;
  }

  std::vector<float> randn(size_t n, float scale = 1.0f) {
    std::normal_distribution<float> d(0.0f, scale);
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng_);
    return v;
  }
  template <typename T>
  T* up(const std::vector<T>& h) {
    auto* p = static_cast<T*>(gpu_->alloc(std::max<size_t>(1, h.size()) * sizeof(T)));
    if (!h.empty()) gpu_->upload(p, h.data(), h.size() * sizeof(T));
    live_.push_back(p);
    return p;
  }
  float* poisoned(size_t n) {  // NaN everywhere: unwritten outputs show up
    auto* p = static_cast<float*>(gpu_->alloc(n * sizeof(float)));
    gpu_->fill(p, int64_t(n), std::numeric_limits<float>::quiet_NaN());
    live_.push_back(p);
    return p;
  }
  template <typename T>
  std::vector<T> down(const T* p, size_t n) {
    std::vector<T> h(n);
    gpu_->download(h.data(), p, n * sizeof(T));
    return h;
  }

  // A random matrix of format f: host storage in `keep`, and a placed copy for the GPU.
  struct Matrix {
    WeightMatrix host, device;
    std::vector<uint8_t> bytes, scales;
  };
  std::unique_ptr<Matrix> matrix(WeightFormat f, int64_t rows, int64_t cols, float gain = 1.0f);

  CpuOps cpu_{2};
  std::unique_ptr<CudaOps> gpu_;
  uint64_t seed_ = 0;
  std::mt19937_64 rng_;
  std::vector<void*> live_;
};

inline std::unique_ptr<CudaVsCpu::Matrix> CudaVsCpu::matrix(WeightFormat f, int64_t rows, int64_t cols, float gain) {
  auto m = std::make_unique<Matrix>();
  WeightMatrix& w = m->host;
  w.format = f, w.rows = rows, w.cols = cols, w.row_bytes = WeightMatrix::row_bytes_for(f, cols);
  m->bytes.resize(size_t(rows * w.row_bytes));
  for (auto& b : m->bytes) b = uint8_t(rng_());
  std::normal_distribution<float> nd(0.0f, gain);
  if (f == WeightFormat::kF32) {
    for (int64_t i = 0; i < rows * cols; ++i) {
      const float v = nd(rng_);
      std::memcpy(&m->bytes[size_t(4 * i)], &v, 4);
    }
  } else if (f == WeightFormat::kBF16 || f == WeightFormat::kF16) {
    for (int64_t i = 0; i < rows * cols; ++i) {
      const float v = nd(rng_);
      const uint16_t h = f == WeightFormat::kBF16 ? f32_to_bf16(v) : f32_to_f16(v);
      std::memcpy(&m->bytes[size_t(2 * i)], &h, 2);
    }
  } else if (f == WeightFormat::kFP8Block) {
    for (auto& b : m->bytes) {
      if ((b & 0x7f) == 0x7f) b = 0x30;  // no NaN codes
    }
    m->scales.resize(size_t((rows + 127) / 128 * ((cols + 127) / 128)));
    for (auto& s : m->scales) s = uint8_t(118 + rng_() % 6);
  } else if (f == WeightFormat::kFP4Group) {
    m->scales.resize(size_t(rows * cols / 32));
    for (auto& s : m->scales) s = uint8_t(122 + rng_() % 6);
  } else if (f == WeightFormat::kQ8_0) {
    for (int64_t b = 0; b < rows * cols / 32; ++b) {
      const uint16_t h = f32_to_f16(0.01f * float(1 + rng_() % 5));
      std::memcpy(&m->bytes[size_t(b * 34)], &h, 2);
    }
  } else if (f == WeightFormat::kMXFP4) {
    for (int64_t b = 0; b < rows * cols / 32; ++b) m->bytes[size_t(b * 17)] = uint8_t(120 + rng_() % 6);
  }
  w.data = m->bytes.data();
  w.scales = m->scales.empty() ? nullptr : m->scales.data();
  m->device = w;
  const Status st = gpu_->place(m->device);
  EXPECT_TRUE(st.ok()) << st.to_string();
  return m;
}

}  // namespace agent::engine::cuda::testing
