// GGUF files (llama.cpp's format): metadata key/values and tensors, read from a read-only
// mapping. Every length, count and tensor byte range is bounds-checked, so a corrupt or
// truncated file gives an error naming what is wrong, never a crash.
// Tensor shapes are exposed outermost-first (GGUF stores ne[] innermost-first).
// Thread-safety: immutable after open.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "inference/engine/weights/mapped_file.h"
#include "inference/engine/weights/tensor.h"

namespace agent::engine {

struct GgufValue {
  enum class Kind { kInt, kFloat, kBool, kString, kIntArray, kFloatArray, kStringArray };
  Kind kind = Kind::kInt;
  int64_t i = 0;
  double f = 0;
  bool b = false;
  std::string s;
  std::vector<int64_t> ints;
  std::vector<double> floats;
  std::vector<std::string> strings;
};

class GgufFile : public TensorSource {
 public:
  static Result<std::unique_ptr<GgufFile>> open(const std::filesystem::path& path);

  const TensorView* find(const std::string& name) const override;
  std::vector<std::string> names() const override;
  std::string describe() const override { return file_->path(); }

  const GgufValue* value(const std::string& key) const;
  // Typed getters; the error names the key and the file.
  Result<int64_t> get_int(const std::string& key) const;
  Result<double> get_float(const std::string& key) const;
  Result<std::string> get_string(const std::string& key) const;
  Result<std::vector<int64_t>> get_int_array(const std::string& key) const;
  std::optional<int64_t> int_or_none(const std::string& key) const;
  std::optional<double> float_or_none(const std::string& key) const;
  const std::map<std::string, GgufValue>& metadata() const { return kv_; }

 private:
  std::unique_ptr<MappedFile> file_;
  std::map<std::string, GgufValue> kv_;
  std::map<std::string, TensorView> tensors_;
};

}  // namespace agent::engine
