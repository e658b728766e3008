// `agent bench merge`: joins the folders of a sharded batch (same tasks file, runs and
// settings; disjoint tasks) into one folder with the union of their results, in tasks-file
// order, and reports rebuilt from it — the same report.json one unsharded batch would give.
// Per-task logs stay in the shard folders.
// Thread-safety: called once from the main thread.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"

namespace agent::bench {

struct MergeSummary {
  size_t instances = 0, results = 0;
  std::vector<int> missing_shards;  // shard indices 1..N no input folder was
};

// InvalidArgument naming the folder when an input is not a batch, differs from the first
// (tasks, runs, settings), or shares an instance with another input; FailedPrecondition
// when `out` is not empty.
Result<MergeSummary> merge_batches(const std::vector<std::filesystem::path>& dirs, const std::filesystem::path& out);

}  // namespace agent::bench
