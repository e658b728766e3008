// Vector primitives of the CPU backend. Written as plain loops over 16 independent lanes so
// the compiler vectorises them; compiled in several versions (function multiversioning:
// baseline x86-64, Haswell AVX2, Skylake AVX-512) chosen at load time, so the binary runs on
// any x86-64 machine and uses what the machine has.
//
// Every dot product has one fixed summation order (lane l sums elements i = l mod 16 of the
// whole 16-blocks, lanes reduce pairwise, then the tail is added), whichever function or
// batch computes it, and the library is built without floating-point contraction: so a row's
// result never depends on how many rows were computed together.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

namespace agent::engine::simd {

float dot(const float* a, const float* b, int64_t n);
// out[t * ldo] = dot(w, x + t * ldx, n) for t in [0, m)
void dot_many(const float* w, const float* x, int64_t ldx, int64_t m, int64_t n, float* out,
              int64_t ldo);
// y[i] += a * x[i]
void axpy(float a, const float* x, float* y, int64_t n);
// Σ x[i]² (same fixed order as dot)
float sum_squares(const float* x, int64_t n);

}  // namespace agent::engine::simd
