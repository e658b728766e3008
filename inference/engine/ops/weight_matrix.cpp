#include "inference/engine/ops/weight_matrix.h"

#include <algorithm>

namespace agent::engine {

const char* weight_format_name(WeightFormat f) {
  switch (f) {
    case WeightFormat::kF32: return "F32";
    case WeightFormat::kF16: return "F16";
    case WeightFormat::kBF16: return "BF16";
    case WeightFormat::kFP8Block: return "FP8(e4m3, 128x128 block scales)";
    case WeightFormat::kFP4Group: return "FP4(e2m1, per-32 scales)";
    case WeightFormat::kQ8_0: return "Q8_0";
    case WeightFormat::kMXFP4: return "MXFP4";
  }
  return "?";
}

int64_t WeightMatrix::row_bytes_for(WeightFormat f, int64_t cols) {
  switch (f) {
    case WeightFormat::kF32: return cols * 4;
    case WeightFormat::kF16: case WeightFormat::kBF16: return cols * 2;
    case WeightFormat::kFP8Block: return cols;
    case WeightFormat::kFP4Group: return cols % 32 ? 0 : cols / 2;
    case WeightFormat::kQ8_0: return cols % 32 ? 0 : cols / 32 * 34;
    case WeightFormat::kMXFP4: return cols % 32 ? 0 : cols / 32 * 17;
  }
  return 0;
}

namespace {

float scale_at(const WeightMatrix& w, int64_t i) {
  if (w.scale_dtype == DType::kF32) {
    float s;
    std::memcpy(&s, w.scales + 4 * i, 4);
    return s;
  }
  return e8m0_to_f32(w.scales[i]);
}

}  // namespace

WeightMatrix weight_rows(const WeightMatrix& w, int64_t r0, int64_t rows) {
  WeightMatrix v = w;
  v.rows = rows;
  v.data = w.data + r0 * w.row_bytes;
  if (w.format == WeightFormat::kFP8Block) {
    v.row_offset = w.row_offset + r0;  // block scales are shared by 128 rows
  } else if (w.format == WeightFormat::kFP4Group) {
    v.scales = w.scales + r0 * (w.cols / 32) * (w.scale_dtype == DType::kF32 ? 4 : 1);
  }
  return v;
}

void decode_weight_row(const WeightMatrix& w, int64_t r, float* out) {
  const uint8_t* row = w.data + r * w.row_bytes;
  switch (w.format) {
    case WeightFormat::kF32: decode_to_f32(DType::kF32, row, w.cols, out); return;
    case WeightFormat::kF16: decode_to_f32(DType::kF16, row, w.cols, out); return;
    case WeightFormat::kBF16: decode_to_f32(DType::kBF16, row, w.cols, out); return;
    case WeightFormat::kQ8_0: decode_to_f32(DType::kQ8_0, row, w.cols, out); return;
    case WeightFormat::kMXFP4: decode_to_f32(DType::kMXFP4, row, w.cols, out); return;
    case WeightFormat::kFP8Block: {
      const int64_t sb_cols = (w.cols + 127) / 128;
      const int64_t srow = ((r + w.row_offset) / 128) * sb_cols;
      for (int64_t b = 0; b < sb_cols; ++b) {
        const float s = scale_at(w, srow + b);
        const int64_t end = std::min<int64_t>(w.cols, (b + 1) * 128);
        for (int64_t c = b * 128; c < end; ++c) out[c] = e4m3_to_f32(row[c]) * s;
      }
      return;
    }
    case WeightFormat::kFP4Group: {
      const int64_t groups = w.cols / 32;
      for (int64_t g = 0; g < groups; ++g) {
        const float s = scale_at(w, r * groups + g);
        for (int j = 0; j < 16; ++j) {
          const uint8_t b = row[g * 16 + j];
          out[g * 32 + 2 * j] = e2m1_to_f32(b & 0xf) * s;
          out[g * 32 + 2 * j + 1] = e2m1_to_f32(b >> 4) * s;
        }
      }
      return;
    }
  }
}

}  // namespace agent::engine
