// batch.json: what a batch folder holds — which tasks (file, digest, shard), how many runs,
// and the settings that must not change when it is resumed or merged with other shards.
// Thread-safety: plain values and reentrant functions.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "common/json.h"

namespace agent::bench {

struct BatchManifest {
  std::string kind;           // "run" (agent + grading) or "eval" (grading given predictions)
  std::string tasks_file;     // canonical path when the batch started
  std::string tasks_digest;   // content_digest of the tasks file
  int shard_index = 0;        // 1..shard_count; 0 when not sharded
  int shard_count = 0;
  int runs = 1;
  std::string model;          // model_name_or_path of the predictions
  Json settings = Json::object();  // must match on --resume and merge (model, budgets, ...)
  // This batch's tasks: (position among the file's valid tasks, instance_id), in file order.
  std::vector<std::pair<size_t, std::string>> instances;

  std::vector<std::string> instance_ids() const;
};

Json to_json(const BatchManifest& m);
Result<BatchManifest> manifest_from_json(const Json& j, std::string_view where);

Result<BatchManifest> read_manifest(const std::filesystem::path& batch_dir);
Status write_manifest(const std::filesystem::path& batch_dir, const BatchManifest& m);

// Why two manifests cannot describe the same batch (kind, tasks, runs, settings), or "".
// Shards and instances are not compared.
std::string manifest_mismatch(const BatchManifest& a, const BatchManifest& b);

}  // namespace agent::bench
