// Predictions in the official format: JSON lines (or one JSON list) of
// {"instance_id", "model_name_or_path", "model_patch"}; a null model_patch is an empty one.
// Thread-safety: pure functions.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tasks/bench/batch_runner.h"

namespace agent::bench {

struct PredictionFile {
  std::map<std::string, Prediction> by_id;
  std::vector<std::pair<std::string, std::string>> ignored;  // (instance id, FILE:LINE) of ignored_ids' predictions
  std::string digest;  // of the file's bytes
  std::string model;   // the first prediction's model_name_or_path
};

// Errors name the file and line (or list index): not JSON, a missing or mistyped field, an
// instance id given twice, or one that is not in `known_ids`. Predictions for `ignored_ids`
// (tasks whose lines were skipped as bad) are left out and listed in `ignored`.
Result<PredictionFile> load_predictions(const std::filesystem::path& file, const std::set<std::string>& known_ids,
                                        const std::set<std::string>& ignored_ids = {});

}  // namespace agent::bench
