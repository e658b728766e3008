#include "inference/engine/weights/dtype.h"

#include <cmath>
#include <limits>

namespace agent::engine {

std::string_view dtype_name(DType t) {
  switch (t) {
    case DType::kF32: return "F32";
    case DType::kF16: return "F16";
    case DType::kBF16: return "BF16";
    case DType::kF64: return "F64";
    case DType::kF8E4M3: return "F8_E4M3";
    case DType::kF8E8M0: return "F8_E8M0";
    case DType::kI8: return "I8";
    case DType::kU8: return "U8";
    case DType::kI16: return "I16";
    case DType::kI32: return "I32";
    case DType::kI64: return "I64";
    case DType::kQ8_0: return "Q8_0";
    case DType::kMXFP4: return "MXFP4";
  }
  return "?";
}

std::optional<DType> dtype_from_safetensors(std::string_view n) {
  if (n == "F32") return DType::kF32;
  if (n == "F16") return DType::kF16;
  if (n == "BF16") return DType::kBF16;
  if (n == "F64") return DType::kF64;
  if (n == "F8_E4M3") return DType::kF8E4M3;
  if (n == "F8_E8M0") return DType::kF8E8M0;
  if (n == "I8") return DType::kI8;
  if (n == "U8") return DType::kU8;
  if (n == "I16") return DType::kI16;
  if (n == "I32") return DType::kI32;
  if (n == "I64") return DType::kI64;
  return std::nullopt;
}

std::optional<DType> dtype_from_ggml(uint32_t t) {
  switch (t) {
    case 0: return DType::kF32;
    case 1: return DType::kF16;
    case 8: return DType::kQ8_0;
    case 24: return DType::kI8;
    case 25: return DType::kI16;
    case 26: return DType::kI32;
    case 27: return DType::kI64;
    case 28: return DType::kF64;
    case 30: return DType::kBF16;
    case 39: return DType::kMXFP4;
    default: return std::nullopt;
  }
}

int64_t dtype_block_elems(DType t) {
  return (t == DType::kQ8_0 || t == DType::kMXFP4) ? 32 : 1;
}

int64_t dtype_block_bytes(DType t) {
  switch (t) {
    case DType::kF32: case DType::kI32: return 4;
    case DType::kF16: case DType::kBF16: case DType::kI16: return 2;
    case DType::kF64: case DType::kI64: return 8;
    case DType::kF8E4M3: case DType::kF8E8M0: case DType::kI8: case DType::kU8: return 1;
    case DType::kQ8_0: return 34;
    case DType::kMXFP4: return 17;
  }
  return 0;
}

int64_t dtype_bytes_for(DType t, int64_t n) {
  int64_t be = dtype_block_elems(t);
  if (n < 0 || n % be != 0) return -1;
  return n / be * dtype_block_bytes(t);
}

uint16_t f32_to_bf16(float f) {
  uint32_t u = bits_from_f32(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return uint16_t((u >> 16) | 0x40);  // quiet NaN
  u += 0x7fffu + ((u >> 16) & 1u);
  return uint16_t(u >> 16);
}

float f16_to_f32(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t man = h & 0x3ff;
  if (exp == 0) {
    // Subnormal (or zero): man * 2^-24.
    float v = std::ldexp(float(man), -24);
    return (h & 0x8000) ? -v : v;
  }
  if (exp == 31) return f32_from_bits(sign | 0x7f800000u | (man << 13));
  return f32_from_bits(sign | ((exp + 112) << 23) | (man << 13));
}

uint16_t f32_to_f16(float f) {
  uint16_t sign = (bits_from_f32(f) >> 16) & 0x8000;
  float a = std::fabs(f);
  if (std::isnan(f)) return sign | 0x7e00;
  if (a >= 65520.0f) return sign | 0x7c00;  // rounds to infinity
  if (a < std::ldexp(1.0f, -14)) {
    // Subnormal: multiples of 2^-24, rounded to nearest even.
    return sign | uint16_t(std::nearbyint(a * 16777216.0f));
  }
  int e;
  float m = std::frexp(a, &e);  // a = m * 2^e, m in [0.5, 1)
  float q = std::nearbyint((m * 2.0f - 1.0f) * 1024.0f);
  int exp = e - 1 + 15;
  if (q >= 1024.0f) { q = 0; ++exp; }
  return sign | uint16_t(exp << 10) | uint16_t(q);
}

float e4m3_to_f32(uint8_t b) {
  uint32_t exp = (b >> 3) & 0xf;
  uint32_t man = b & 0x7;
  if (exp == 15 && man == 7) return std::numeric_limits<float>::quiet_NaN();
  float v = exp == 0 ? std::ldexp(float(man), -9) : std::ldexp(1.0f + float(man) / 8.0f, int(exp) - 7);
  return (b & 0x80) ? -v : v;
}

uint8_t f32_to_e4m3(float f) {
  uint8_t sign = (bits_from_f32(f) >> 24) & 0x80;
  float a = std::fabs(f);
  if (std::isnan(f)) return sign | 0x7f;
  if (a >= 448.0f) return sign | 0x7e;
  if (a < std::ldexp(1.0f, -6)) {
    // Subnormals are multiples of 2^-9; a carry into 8 is exactly the first normal (code 8).
    return sign | uint8_t(std::nearbyint(a * 512.0f));
  }
  int e;
  float m = std::frexp(a, &e);  // a = m * 2^e, m in [0.5, 1)
  int exp = e - 1;              // a = (2m) * 2^exp, 2m in [1, 2)
  float q = std::nearbyint((m * 2.0f - 1.0f) * 8.0f);
  if (q >= 8.0f) { q = 0; ++exp; }
  int code = ((exp + 7) << 3) | int(q);
  if (code > 0x7e) code = 0x7e;
  return sign | uint8_t(code);
}

float e8m0_to_f32(uint8_t b) {
  if (b == 0xff) return std::numeric_limits<float>::quiet_NaN();
  // 2^(b-127); b = 0 is 2^-127, a float subnormal, which ldexp represents exactly.
  return std::ldexp(1.0f, int(b) - 127);
}

float e2m1_to_f32(uint8_t code) {
  static constexpr float kTable[8] = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f, 6.0f};
  float v = kTable[code & 7];
  return (code & 8) ? -v : v;
}

uint8_t f32_to_e2m1(float f) {
  uint8_t sign = (bits_from_f32(f) >> 28) & 0x8;
  float a = std::fabs(f);
  // Midpoints between neighbouring codes; a tie goes to the even code.
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

bool decode_to_f32(DType t, const void* src, int64_t n, float* dst) {
  const auto* p = static_cast<const uint8_t*>(src);
  switch (t) {
    case DType::kF32:
      std::memcpy(dst, p, size_t(n) * 4);
      return true;
    case DType::kF16:
      for (int64_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, p + 2 * i, 2);
        dst[i] = f16_to_f32(h);
      }
      return true;
    case DType::kBF16:
      for (int64_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, p + 2 * i, 2);
        dst[i] = bf16_to_f32(h);
      }
      return true;
    case DType::kF8E4M3:
      for (int64_t i = 0; i < n; ++i) dst[i] = e4m3_to_f32(p[i]);
      return true;
    case DType::kQ8_0:
      for (int64_t b = 0; b < n / 32; ++b) {
        const uint8_t* blk = p + b * 34;
        uint16_t h;
        std::memcpy(&h, blk, 2);
        float d = f16_to_f32(h);
        for (int j = 0; j < 32; ++j) dst[b * 32 + j] = d * float(int8_t(blk[2 + j]));
      }
      return n % 32 == 0;
    case DType::kMXFP4:
      // Byte j of a block holds element j (low nibble) and element j+16 (high nibble).
      for (int64_t b = 0; b < n / 32; ++b) {
        const uint8_t* blk = p + b * 17;
        float d = e8m0_to_f32(blk[0]);
        for (int j = 0; j < 16; ++j) {
          dst[b * 32 + j] = d * e2m1_to_f32(blk[1 + j] & 0xf);
          dst[b * 32 + j + 16] = d * e2m1_to_f32(blk[1 + j] >> 4);
        }
      }
      return n % 32 == 0;
    default:
      return false;
  }
}

}  // namespace agent::engine
