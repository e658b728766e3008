// Safetensors checkpoints: one file, or a folder sharded through model.safetensors.index.json.
// Every tensor's dtype, shape and byte range is checked against the file at open, so a
// truncated or corrupt file is reported (naming the tensor and the file) before any use.
// Thread-safety: immutable after open.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "inference/engine/weights/mapped_file.h"
#include "inference/engine/weights/tensor.h"

namespace agent::engine {

class SafetensorsFile {
 public:
  static Result<std::unique_ptr<SafetensorsFile>> open(const std::filesystem::path& path);
  const std::map<std::string, TensorView>& tensors() const { return tensors_; }
  const std::string& path() const { return file_->path(); }

 private:
  std::unique_ptr<MappedFile> file_;
  std::map<std::string, TensorView> tensors_;
};

// A checkpoint folder. With model.safetensors.index.json, its weight_map must agree with the
// shards exactly (every listed tensor present in its shard, no tensor in two shards);
// without one, every *.safetensors file of the folder is read.
class SafetensorsCheckpoint : public TensorSource {
 public:
  static Result<std::unique_ptr<SafetensorsCheckpoint>> open(const std::filesystem::path& dir);

  const TensorView* find(const std::string& name) const override;
  std::vector<std::string> names() const override;
  std::string describe() const override { return dir_; }

 private:
  std::string dir_;
  std::vector<std::unique_ptr<SafetensorsFile>> files_;
  std::map<std::string, const TensorView*> index_;
};

}  // namespace agent::engine
