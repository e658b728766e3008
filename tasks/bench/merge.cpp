#include "tasks/bench/merge.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/fs.h"
#include "tasks/bench/report.h"

namespace agent::bench {

Result<MergeSummary> merge_batches(const std::vector<fs::path>& dirs, const fs::path& out) {
  if (dirs.empty()) return invalid_argument("no batch folders to merge");
  auto empty = dir_is_empty_or_missing(out);
  if (!empty.ok() || !*empty) return failed_precondition("--out " + out.string() + " is not empty");
  BatchManifest merged;
  std::map<std::string, std::string> owner;  // instance -> folder it came from
  std::map<size_t, std::string> instances;
  std::set<int> shards;
  std::vector<TaskResult> results;
  for (size_t i = 0; i < dirs.size(); ++i) {
    const fs::path& dir = dirs[i];
    auto m = read_manifest(dir);
    if (!m.ok()) return invalid_argument(m.status().message());
    if (i == 0) {
      merged = *m;
    } else if (std::string why = manifest_mismatch(merged, *m); !why.empty()) {
      return invalid_argument(dir.string() + " is not a shard of the same batch as " + dirs[0].string() + ": " + why);
    }
    if (m->shard_count != 0) {
      if (merged.shard_count != m->shard_count) {
        return invalid_argument(dir.string() + ": shard counts differ (" + std::to_string(merged.shard_count) + " vs " +
                                std::to_string(m->shard_count) + ")");
      }
      shards.insert(m->shard_index);
    }
    for (const auto& [index, id] : m->instances) {
      auto [it, fresh] = owner.emplace(id, dir.string());
      if (!fresh) return invalid_argument("instance " + id + " is in both " + it->second + " and " + dir.string());
      instances[index] = id;
    }
    auto r = read_results(dir / "results.jsonl");
    if (!r.ok()) return invalid_argument(r.status().message());
    std::vector<TaskResult> mine = latest_results(m->instance_ids(), r->results);
    results.insert(results.end(), mine.begin(), mine.end());
  }
  MergeSummary summary;
  for (int k = 1; k <= merged.shard_count; ++k) {
    if (!shards.count(k)) summary.missing_shards.push_back(k);
  }
  merged.shard_index = 0;
  merged.shard_count = 0;
  merged.instances.assign(instances.begin(), instances.end());
  results = latest_results(merged.instance_ids(), results);
  std::string lines;
  for (const auto& r : results) lines += dump_json(to_json(r)) + "\n";
  AGENT_RETURN_IF_ERROR(make_dirs(out));
  AGENT_RETURN_IF_ERROR(write_manifest(out, merged));
  AGENT_RETURN_IF_ERROR(write_file_atomic(out / "results.jsonl", lines));
  AGENT_RETURN_IF_ERROR(write_outputs(out, merged, results));
  summary.instances = merged.instances.size();
  summary.results = results.size();
  return summary;
}

}  // namespace agent::bench
