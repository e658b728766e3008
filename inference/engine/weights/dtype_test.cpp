// Element decoding against hand-computed values.
#include "inference/engine/weights/dtype.h"

#include <gtest/gtest.h>

#include <cmath>

namespace agent::engine {
namespace {

TEST(DType, Bf16) {
  EXPECT_EQ(bf16_to_f32(0x3F80), 1.0f);
  EXPECT_EQ(bf16_to_f32(0xC000), -2.0f);
  EXPECT_EQ(bf16_to_f32(0x3F81), 1.0078125f);
  // 1 + 2^-8 lies halfway between 0x3F80 and 0x3F81: ties go to the even mantissa.
  EXPECT_EQ(f32_to_bf16(1.00390625f), 0x3F80);
  EXPECT_EQ(f32_to_bf16(1.01171875f), 0x3F82);  // 1 + 3*2^-8: halfway, even is 0x3F82
  EXPECT_EQ(f32_to_bf16(1.0040f), 0x3F81);      // just above halfway rounds up
  EXPECT_TRUE(std::isnan(bf16_to_f32(f32_to_bf16(NAN))));
}

TEST(DType, F16) {
  EXPECT_EQ(f16_to_f32(0x3C00), 1.0f);
  EXPECT_EQ(f16_to_f32(0xC000), -2.0f);
  EXPECT_EQ(f16_to_f32(0x7BFF), 65504.0f);
  EXPECT_EQ(f16_to_f32(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(f32_to_f16(1.0f), 0x3C00);
  EXPECT_EQ(f32_to_f16(65504.0f), 0x7BFF);
  EXPECT_EQ(f32_to_f16(std::ldexp(1.0f, -24)), 0x0001);
  EXPECT_EQ(f32_to_f16(-0.5f), 0xB800);
}

TEST(DType, E4M3) {
  EXPECT_EQ(e4m3_to_f32(0x38), 1.0f);    // exponent 7 = bias, mantissa 0
  EXPECT_EQ(e4m3_to_f32(0x3C), 1.5f);    // mantissa 4/8
  EXPECT_EQ(e4m3_to_f32(0xB8), -1.0f);
  EXPECT_EQ(e4m3_to_f32(0x7E), 448.0f);  // 1.75 * 2^8, the largest finite value
  EXPECT_EQ(e4m3_to_f32(0x08), std::ldexp(1.0f, -6));  // smallest normal
  EXPECT_EQ(e4m3_to_f32(0x01), std::ldexp(1.0f, -9));  // smallest subnormal
  EXPECT_EQ(e4m3_to_f32(0x07), 7 * std::ldexp(1.0f, -9));
  EXPECT_TRUE(std::isnan(e4m3_to_f32(0x7F)));
  EXPECT_TRUE(std::isnan(e4m3_to_f32(0xFF)));
  EXPECT_EQ(f32_to_e4m3(1.0f), 0x38);
  EXPECT_EQ(f32_to_e4m3(-448.0f), 0xFE);
  EXPECT_EQ(f32_to_e4m3(500.0f), 0x7E);         // saturates
  EXPECT_EQ(f32_to_e4m3(1.0625f), 0x38);        // halfway 1.0 / 1.125 -> even (1.0)
  EXPECT_EQ(f32_to_e4m3(1.1875f), 0x3A);        // halfway 1.125 / 1.25 -> even (1.25)
  EXPECT_EQ(f32_to_e4m3(std::ldexp(1.0f, -10)), 0x00);     // half the smallest subnormal
  EXPECT_EQ(f32_to_e4m3(3 * std::ldexp(1.0f, -10)), 0x02); // 1.5 units -> 2 (even)
  EXPECT_EQ(f32_to_e4m3(15 * std::ldexp(1.0f, -10)), 0x08); // 7.5 units -> carries to 2^-6
  for (int c = 0; c < 256; ++c) {
    if ((c & 0x7F) == 0x7F) continue;
    float v = e4m3_to_f32(uint8_t(c));
    if (v == 0.0f) continue;  // -0 and +0
    EXPECT_EQ(f32_to_e4m3(v), c) << c;
  }
}

TEST(DType, E8M0) {
  EXPECT_EQ(e8m0_to_f32(127), 1.0f);
  EXPECT_EQ(e8m0_to_f32(128), 2.0f);
  EXPECT_EQ(e8m0_to_f32(120), 1.0f / 128.0f);
  EXPECT_EQ(e8m0_to_f32(0), std::ldexp(1.0f, -127));
  EXPECT_TRUE(std::isnan(e8m0_to_f32(0xFF)));
}

TEST(DType, E2M1) {
  const float table[8] = {0, 0.5f, 1, 1.5f, 2, 3, 4, 6};
  for (int c = 0; c < 8; ++c) {
    EXPECT_EQ(e2m1_to_f32(uint8_t(c)), table[c]);
    EXPECT_EQ(e2m1_to_f32(uint8_t(c | 8)), -table[c]);
  }
  EXPECT_EQ(f32_to_e2m1(0.25f), 0);   // halfway 0 / 0.5 -> even code 0
  EXPECT_EQ(f32_to_e2m1(0.75f), 2);   // halfway 0.5 / 1 -> even code 2
  EXPECT_EQ(f32_to_e2m1(2.5f), 4);    // halfway 2 / 3 -> code 4
  EXPECT_EQ(f32_to_e2m1(5.0f), 6);    // halfway 4 / 6 -> code 6
  EXPECT_EQ(f32_to_e2m1(5.1f), 7);
  EXPECT_EQ(f32_to_e2m1(100.0f), 7);  // saturates at 6
  EXPECT_EQ(f32_to_e2m1(-3.2f), 0xD);
}

TEST(DType, BlockFormats) {
  // Q8_0: f16 scale 0.5 then 32 int8.
  uint8_t q8[34] = {0x00, 0x38};
  for (int j = 0; j < 32; ++j) q8[2 + j] = uint8_t(int8_t(j - 16));
  float out[32];
  ASSERT_TRUE(decode_to_f32(DType::kQ8_0, q8, 32, out));
  EXPECT_EQ(out[0], -8.0f);
  EXPECT_EQ(out[31], 7.5f);
  // MXFP4: scale 2^(128-127) = 2; byte j = element j (low) and j + 16 (high).
  uint8_t mx[17] = {128, 0x71};
  ASSERT_TRUE(decode_to_f32(DType::kMXFP4, mx, 32, out));
  EXPECT_EQ(out[0], 1.0f);    // code 1 = 0.5, times 2
  EXPECT_EQ(out[16], 12.0f);  // code 7 = 6, times 2
  EXPECT_EQ(out[1], 0.0f);
  EXPECT_EQ(dtype_bytes_for(DType::kMXFP4, 64), 34);
  EXPECT_EQ(dtype_bytes_for(DType::kQ8_0, 33), -1);
}

}  // namespace
}  // namespace agent::engine
