// How a weight matrix is stored, as the kernels see it: a [rows, cols] matrix (rows = output
// features, cols = input features, y = W·x) in one of the release's or GGUF's formats, used in
// place from the weight file's mapping.
//
// Formats:
//   kF32, kF16, kBF16   plain rows
//   kFP8Block           F8_E4M3 rows + scales [ceil(rows/128), ceil(cols/128)] (E8M0 or F32):
//                       one scale per 128x128 block, as the release stores its FP8 linears
//   kFP4Group           FP4 e2m1 packed two per byte along cols (low nibble = even index),
//                       [rows, cols/2] + scales [rows, cols/32] E8M0: the routed experts
//   kQ8_0, kMXFP4       GGUF block formats (32 elements per block, scale inside the block)
// Thread-safety: plain values.
#pragma once

#include <cstdint>

#include "inference/engine/weights/dtype.h"

namespace agent::engine {

enum class WeightFormat : uint8_t { kF32, kF16, kBF16, kFP8Block, kFP4Group, kQ8_0, kMXFP4 };

const char* weight_format_name(WeightFormat f);

struct WeightMatrix {
  WeightFormat format = WeightFormat::kF32;
  int64_t rows = 0;
  int64_t cols = 0;
  const uint8_t* data = nullptr;  // row r starts at data + r * row_bytes
  int64_t row_bytes = 0;
  const uint8_t* scales = nullptr;  // kFP8Block / kFP4Group only
  DType scale_dtype = DType::kF8E8M0;
  // For a view of some rows of a larger FP8 matrix: the rows before it, so row r of the view
  // uses the block scales of row r + row_offset of the whole.
  int64_t row_offset = 0;

  bool empty() const { return data == nullptr; }
  // Bytes of one row in `format` (0 if cols does not fit the format's blocks).
  static int64_t row_bytes_for(WeightFormat f, int64_t cols);
};

// Rows [r0, r0 + rows) of w as a matrix of their own.
WeightMatrix weight_rows(const WeightMatrix& w, int64_t r0, int64_t rows);

// Decodes row `r` of `w` (all cols) into f32, exactly.
void decode_weight_row(const WeightMatrix& w, int64_t r, float* out);

}  // namespace agent::engine
