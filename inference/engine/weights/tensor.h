// A tensor as stored in a weight file: name, element type, shape and the bytes, which live in
// a read-only memory mapping owned by the file object that produced the view.
//
// Shapes are row-major, outermost dimension first, as safetensors and PyTorch write them
// (GGUF's ne[] order is reversed into this order when a GGUF file is read).
// Thread-safety: immutable after loading.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "inference/engine/weights/dtype.h"

namespace agent::engine {

struct TensorView {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<int64_t> shape;  // outermost first
  const uint8_t* data = nullptr;
  int64_t nbytes = 0;
  std::string file;  // the file holding it, for messages

  int64_t numel() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
  }
  int64_t dim(size_t i) const { return i < shape.size() ? shape[i] : 1; }
};

std::string shape_string(const std::vector<int64_t>& shape);  // "[4096, 1024]"

// A set of named tensors (one checkpoint folder, or one GGUF file).
class TensorSource {
 public:
  virtual ~TensorSource() = default;
  virtual const TensorView* find(const std::string& name) const = 0;
  virtual std::vector<std::string> names() const = 0;
  virtual std::string describe() const = 0;  // path, for messages
};

}  // namespace agent::engine
