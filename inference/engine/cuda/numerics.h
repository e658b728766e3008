// Scalar numerics shared by the CUDA kernels and their host tests: the conversions of
// weights/dtype.cpp (bf16 round-to-nearest-even, e4m3fn with saturation, e2m1, e8m0, f16)
// and the power-of-two scales of the FP8 / FP4 simulation (cpu/cpu_util.h), written once as
// __host__ __device__ functions. numerics_test.cpp checks them against the CPU reference's
// conversions value by value, on the host, so the arithmetic every kernel starts from is
// verified without a GPU.
// Thread-safety: pure functions.
#pragma once

#include <math.h>
#include <stdint.h>
#include <string.h>

#ifdef __CUDACC__
#define AGENT_HD __host__ __device__ __forceinline__
#else
#define AGENT_HD inline
#endif

namespace agent::engine::cuda {

AGENT_HD float f32_of(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}
AGENT_HD uint32_t bits_of(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}

// bf16(x) as f32: round to nearest even, NaN stays a (quiet) NaN. Same bits as dtype.cpp.
AGENT_HD uint16_t bf16_bits(float f) {
  uint32_t u = bits_of(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return uint16_t((u >> 16) | 0x40);
  u += 0x7fffu + ((u >> 16) & 1u);
  return uint16_t(u >> 16);
}
AGENT_HD float bf16_value(uint16_t h) { return f32_of(uint32_t(h) << 16); }
AGENT_HD float round_bf16(float f) { return bf16_value(bf16_bits(f)); }

AGENT_HD float f16_value(uint16_t h) {
  const uint32_t sign = uint32_t(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
  if (exp == 0) {
    const float v = ldexpf(float(man), -24);  // subnormal or zero, exact
    return (h & 0x8000) ? -v : v;
  }
  if (exp == 31) return f32_of(sign | 0x7f800000u | (man << 13));
  return f32_of(sign | ((exp + 112) << 23) | (man << 13));
}

// FP8 e4m3fn: bias 7, 0x7F/0xFF NaN, max 448.
AGENT_HD float e4m3_value(uint8_t b) {
  const uint32_t exp = (b >> 3) & 0xf, man = b & 0x7;
  if (exp == 15 && man == 7) return f32_of(0x7fc00000u);
  const float v = exp == 0 ? ldexpf(float(man), -9) : ldexpf(1.0f + float(man) / 8.0f, int(exp) - 7);
  return (b & 0x80) ? -v : v;
}

// Nearest e4m3 code (ties to even), saturating at +-448: dtype.cpp's f32_to_e4m3.
AGENT_HD uint8_t e4m3_code(float f) {
  const uint8_t sign = uint8_t((bits_of(f) >> 24) & 0x80);
  const float a = fabsf(f);
  if (a != a) return sign | 0x7f;
  if (a >= 448.0f) return sign | 0x7e;
  if (a < 0.015625f) return sign | uint8_t(rintf(a * 512.0f));  // multiples of 2^-9
  int e;
  const float m = frexpf(a, &e);  // a = m * 2^e, m in [0.5, 1)
  int exp = e - 1;
  float q = rintf((m * 2.0f - 1.0f) * 8.0f);
  if (q >= 8.0f) {
    q = 0;
    ++exp;
  }
  int code = ((exp + 7) << 3) | int(q);
  if (code > 0x7e) code = 0x7e;
  return sign | uint8_t(code);
}

// ue8m0 scale byte -> 2^(b-127); 0xFF is NaN.
AGENT_HD float e8m0_value(uint8_t b) { return b == 0xff ? f32_of(0x7fc00000u) : ldexpf(1.0f, int(b) - 127); }

// FP4 e2m1 code (bit 3 = sign) -> {0, .5, 1, 1.5, 2, 3, 4, 6}.
AGENT_HD float e2m1_value(uint8_t code) {
  const uint32_t k = code & 7;
  // Magnitudes as (k < 4 ? k / 2 : 2^(k/2 - 1) * (1 + (k & 1) / 2)).
  const float v = k < 4 ? 0.5f * float(k) : ldexpf(1.0f + 0.5f * float(k & 1), int(k >> 1) - 1);
  return (code & 8) ? -v : v;
}

// Nearest e2m1 code, ties to the even code, saturating at +-6 (dtype.cpp's f32_to_e2m1).
AGENT_HD uint8_t e2m1_code(float f) {
  const uint8_t sign = uint8_t((bits_of(f) >> 28) & 0x8);
  const float a = fabsf(f);
  uint8_t c;
  if (a <= 0.25f) c = 0;
  else if (a < 0.75f) c = 1;
  else if (a <= 1.25f) c = 2;
  else if (a < 1.75f) c = 3;
  else if (a <= 2.5f) c = 4;
  else if (a < 3.5f) c = 5;
  else if (a <= 5.0f) c = 6;
  else c = 7;
  return sign | c;
}

// The e4m3 code of an e2m1 code: every FP4 value is exactly an FP8 value, which is why the
// routed experts can run on FP8 tensor cores with no loss (the per-32 scale is applied to the
// f32 partial sums instead). Codes 0x00,0x30,0x38,0x3C,0x40,0x44,0x48,0x4C = 0,.5,1,...,6.
AGENT_HD uint8_t e4m3_of_e2m1(uint8_t code) {
  const uint64_t table = 0x4C4844403C383000ull;  // byte k = the e4m3 code of magnitude code k
  const uint8_t mag = uint8_t(table >> ((code & 7) * 8));
  return uint8_t(mag | ((code & 8) << 4));
}

// 2^ceil(log2(v)) for v > 0, exact (cpu_util.h pow2_ceil).
AGENT_HD float pow2_ceil(float v) {
  int e;
  const float m = frexpf(v, &e);
  return m == 0.5f ? ldexpf(1.0f, e - 1) : ldexpf(1.0f, e);
}

// The scale of one 128-element FP8 activation block with absolute maximum `amax`
// (deepseek-v4-model.md section 9 item 1: amax floored at 1e-4, power-of-two scale).
AGENT_HD float fp8_block_scale(float amax) { return pow2_ceil(fmaxf(amax, 1e-4f) / 448.0f); }

// x quantised with `scale` and dequantised: e4m3(clamp(x/scale, +-448)) * scale.
AGENT_HD float fp8_simulate(float x, float scale) {
  const float q = fminf(fmaxf(x / scale, -448.0f), 448.0f);
  return e4m3_value(e4m3_code(q)) * scale;
}

// IEEE round-to-nearest operations that the device compiler may not fuse into an FMA (the
// CPU reference is built with -ffp-contract=off); on the host, the plain operators.
#ifdef __CUDA_ARCH__
AGENT_HD float add_rn(float a, float b) { return __fadd_rn(a, b); }
AGENT_HD float mul_rn(float a, float b) { return __fmul_rn(a, b); }
AGENT_HD float div_rn(float a, float b) { return __fdiv_rn(a, b); }
#else
AGENT_HD float add_rn(float a, float b) { return a + b; }
AGENT_HD float mul_rn(float a, float b) { return a * b; }
AGENT_HD float div_rn(float a, float b) { return a / b; }
#endif

// silu(min(g, L)) * clamp(u, -L, L); L = 0: no clamp (cpu_util.h swiglu1, same operations).
AGENT_HD float swiglu1(float g, float u, float limit) {
  if (limit > 0) {
    g = fminf(g, limit);
    u = fmaxf(fminf(u, limit), -limit);
  }
  return g / (1.0f + expf(-g)) * u;
}

}  // namespace agent::engine::cuda
