// Element types of the weight files the engine reads (safetensors and GGUF) and the scalar
// conversions between them and f32: BF16, F16, FP8 E4M3 (e4m3fn), E8M0 scales, FP4 E2M1, and
// GGUF's block formats Q8_0 and MXFP4.
//
// Owns: bit-exact decoding (and round-to-nearest-even encoding, used by the numerics
// simulation and by tests) of every element type. Knows nothing of tensors or models.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

namespace agent::engine {

enum class DType : uint8_t {
  kF32,
  kF16,
  kBF16,
  kF64,
  kF8E4M3,  // e4m3fn: bias 7, no infinities, 0x7F/0xFF = NaN, max 448
  kF8E8M0,  // ue8m0: value 2^(byte-127); 0xFF = NaN
  kI8,      // in the release: two packed FP4 e2m1 values per byte (routed experts)
  kU8,
  kI16,
  kI32,
  kI64,
  kQ8_0,    // GGUF: blocks of 32: f16 scale + 32 int8
  kMXFP4,   // GGUF: blocks of 32: e8m0 scale byte + 16 bytes of e2m1 pairs
};

std::string_view dtype_name(DType t);
std::optional<DType> dtype_from_safetensors(std::string_view name);  // "BF16", "F8_E4M3", ...
std::optional<DType> dtype_from_ggml(uint32_t ggml_type);            // ggml_type enum values

// Elements per storage block and bytes per block (1 and sizeof(element) for plain types).
int64_t dtype_block_elems(DType t);
int64_t dtype_block_bytes(DType t);
// Bytes needed for `n` elements; -1 when n is not a whole number of blocks.
int64_t dtype_bytes_for(DType t, int64_t n);

inline float f32_from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
inline uint32_t bits_from_f32(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

inline float bf16_to_f32(uint16_t h) { return f32_from_bits(uint32_t(h) << 16); }
// Round to nearest even; NaN stays NaN.
uint16_t f32_to_bf16(float f);
// The f32 value of bf16(f): what the reference's bf16 tensors hold.
inline float round_bf16(float f) { return bf16_to_f32(f32_to_bf16(f)); }

float f16_to_f32(uint16_t h);
uint16_t f32_to_f16(float f);

// FP8 e4m3fn. Encoding saturates to +-448 (the reference clamps before casting).
float e4m3_to_f32(uint8_t b);
uint8_t f32_to_e4m3(float f);

// ue8m0 scale byte -> 2^(b-127) (NaN for 0xFF).
float e8m0_to_f32(uint8_t b);

// FP4 e2m1 code (low 4 bits; bit 3 = sign) -> {0, .5, 1, 1.5, 2, 3, 4, 6} with sign.
float e2m1_to_f32(uint8_t code);
// Nearest e2m1 code (ties to even mantissa, saturating at +-6).
uint8_t f32_to_e2m1(float f);

// Decodes `n` consecutive elements starting at element 0 of `src` into f32. Supported for
// F32, F16, BF16, F8E4M3 (no scale), Q8_0 and MXFP4 (n a multiple of 32 for the block types).
// Returns false for a type it cannot decode this way.
bool decode_to_f32(DType t, const void* src, int64_t n, float* dst);

}  // namespace agent::engine
