// DevMatrix: a weight matrix in device memory as the kernels read it, a plain struct that is
// passed to kernels by value or stored in device tables (one per routed expert). Built from a
// placed WeightMatrix (ops.h place()) by CudaOps.
// Thread-safety: plain value.
#pragma once

#include <cstdint>

namespace agent::engine::cuda {

struct DevMatrix {
  const uint8_t* data = nullptr;    // row r at data + r * row_bytes
  const void* scales = nullptr;     // FP8: f32 [ceil(rows/128), ceil(cols/128)]; FP4: [rows, cols/32]
  int64_t rows = 0, cols = 0, row_bytes = 0;
  int64_t row_offset = 0;           // FP8 views: rows before this one in the block-scale grid
  int32_t format = 0;               // WeightFormat
  int32_t scale_f32 = 0;            // FP4 scales stored as f32 (1) or E8M0 bytes (0)
};

// The routed experts of one layer as a device table: entry e * 3 + {0, 1, 2} = w1, w3, w2.
inline constexpr int kW1 = 0, kW3 = 1, kW2 = 2;

}  // namespace agent::engine::cuda
