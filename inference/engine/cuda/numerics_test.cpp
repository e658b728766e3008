// The scalar numerics the CUDA kernels are built from (numerics.h), checked on the host
// against the CPU reference's conversions (weights/dtype.cpp, cpu/cpu_util.h): exhaustively
// where the domain is small (every e4m3, e8m0, e2m1 and f16 code), on millions of random and
// boundary values where it is not. No GPU needed: these run in every CI build.
#include "inference/engine/cuda/numerics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "inference/engine/cpu/cpu_ops.h"
#include "inference/engine/cpu/cpu_util.h"
#include "inference/engine/weights/dtype.h"

namespace agent::engine {
namespace {

bool same(float a, float b) { return (std::isnan(a) && std::isnan(b)) || bits_from_f32(a) == bits_from_f32(b); }

// Floats spread over many binades and signs, with exact halfway cases mixed in.
std::vector<float> samples(size_t n, uint64_t seed) {
  std::mt19937_64 g(seed);
  std::vector<float> v;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t r = g();
    if (i % 4 == 0) {
      v.push_back(f32_from_bits(uint32_t(r)));  // any bit pattern, NaN and inf included
    } else {
      const float m = float(r >> 40) / float(1 << 24);
      v.push_back(std::ldexp(m, int(r % 40) - 20) * ((r >> 20) & 1 ? -1.0f : 1.0f));
    }
  }
  for (float x : {0.0f, -0.0f, 448.0f, 464.0f, 449.0f, 0.015625f, 0.0009765625f, 0.25f, 0.75f, 1.25f, 2.5f, 5.0f})
    v.push_back(x);
  return v;
}

TEST(CudaNumerics, Bf16RoundingMatchesTheReference) {
  for (float x : samples(2000000, 1)) ASSERT_TRUE(same(cuda::round_bf16(x), round_bf16(x))) << x;
}

TEST(CudaNumerics, EveryCodeDecodesLikeTheReference) {
  for (int b = 0; b < 256; ++b) {
    ASSERT_TRUE(same(cuda::e4m3_value(uint8_t(b)), e4m3_to_f32(uint8_t(b)))) << b;
    ASSERT_TRUE(same(cuda::e8m0_value(uint8_t(b)), e8m0_to_f32(uint8_t(b)))) << b;
  }
  for (int c = 0; c < 16; ++c) {
    ASSERT_TRUE(same(cuda::e2m1_value(uint8_t(c)), e2m1_to_f32(uint8_t(c)))) << c;
    // FP4 -> FP8 expansion is exact for every code (what the FP8 tensor-core path relies on).
    ASSERT_TRUE(same(e4m3_to_f32(cuda::e4m3_of_e2m1(uint8_t(c))), e2m1_to_f32(uint8_t(c)))) << c;
  }
  for (int h = 0; h < 65536; ++h) ASSERT_TRUE(same(cuda::f16_value(uint16_t(h)), f16_to_f32(uint16_t(h)))) << h;
}

TEST(CudaNumerics, EncodingsMatchTheReference) {
  for (float x : samples(2000000, 2)) {
    ASSERT_EQ(cuda::e4m3_code(x), f32_to_e4m3(x)) << x;
    if (!std::isnan(x)) {
      ASSERT_EQ(cuda::e2m1_code(x), f32_to_e2m1(x)) << x;
    }
  }
}

TEST(CudaNumerics, ScalesAndFp8SimulationMatchTheCpuKernels) {
  for (float x : samples(200000, 3)) {
    if (std::isfinite(x) && x > 0) {
      ASSERT_TRUE(same(cuda::pow2_ceil(x), pow2_ceil(x))) << x;
    }
  }
  std::mt19937_64 g(4);
  std::vector<float> row(128), ref(128);
  for (int trial = 0; trial < 2000; ++trial) {
    const float gain = std::ldexp(1.0f, int(g() % 30) - 15);
    std::normal_distribution<float> nd(0.0f, gain);
    for (auto& v : row) v = nd(g);
    if (trial % 7 == 0) std::fill(row.begin(), row.end(), 0.0f);  // amax floored at 1e-4
    fp8_quantize_row(row.data(), 128, ref.data());
    float amax = 0;
    for (float v : row) amax = std::max(amax, std::fabs(v));
    const float s = cuda::fp8_block_scale(amax);
    for (int i = 0; i < 128; ++i) ASSERT_TRUE(same(cuda::fp8_simulate(row[size_t(i)], s), ref[size_t(i)])) << trial;
  }
  for (float x : samples(100000, 5)) {
    if (!std::isfinite(x) || std::fabs(x) > 80) continue;
    for (float limit : {0.0f, 10.0f}) ASSERT_TRUE(same(cuda::swiglu1(x, 0.5f * x, limit), swiglu1(x, 0.5f * x, limit)));
  }
}

}  // namespace
}  // namespace agent::engine
