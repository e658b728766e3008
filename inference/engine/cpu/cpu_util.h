// Scalar helpers shared by the CPU kernels. Internal to cpu/.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "inference/engine/ops/ops.h"

namespace agent::engine {

// 2^ceil(log2(v)) for v > 0, exact (power-of-two scales of the FP8/FP4 simulation).
inline float pow2_ceil(float v) {
  int e;
  float m = std::frexp(v, &e);  // v = m * 2^e, m in [0.5, 1)
  return m == 0.5f ? std::ldexp(1.0f, e - 1) : std::ldexp(1.0f, e);
}

// silu(min(g, L)) * clamp(u, -L, L); L = 0 means no clamp.
inline float swiglu1(float g, float u, float limit) {
  if (limit > 0) {
    g = std::fmin(g, limit);
    u = std::fmax(std::fmin(u, limit), -limit);
  }
  return g / (1.0f + std::exp(-g)) * u;
}

std::vector<float> rope_inv_freq(const RopeSpec& spec);

}  // namespace agent::engine
