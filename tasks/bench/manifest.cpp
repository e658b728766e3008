#include "tasks/bench/manifest.h"

#include "common/fs.h"

namespace agent::bench {

std::vector<std::string> BatchManifest::instance_ids() const {
  std::vector<std::string> ids;
  for (const auto& [index, id] : instances) ids.push_back(id);
  return ids;
}

Json to_json(const BatchManifest& m) {
  Json inst = Json::array();
  for (const auto& [index, id] : m.instances) inst.push_back(Json::array({index, id}));
  return Json{{"kind", m.kind},
              {"tasks_file", m.tasks_file},
              {"tasks_digest", m.tasks_digest},
              {"shard", m.shard_count == 0 ? Json() : Json::array({m.shard_index, m.shard_count})},
              {"runs", m.runs},
              {"model_name_or_path", m.model},
              {"settings", m.settings},
              {"instances", inst}};
}

Result<BatchManifest> manifest_from_json(const Json& j, std::string_view where) {
  BatchManifest m;
  std::string w(where);
  if (!j.is_object()) return invalid_argument(w + ": not a JSON object");
  AGENT_ASSIGN_OR_RETURN(m.kind, get_string(j, "kind", w));
  if (m.kind != "run" && m.kind != "eval") return invalid_argument(w + ": kind must be run or eval");
  AGENT_ASSIGN_OR_RETURN(m.tasks_file, get_string(j, "tasks_file", w));
  AGENT_ASSIGN_OR_RETURN(m.tasks_digest, get_string(j, "tasks_digest", w));
  AGENT_ASSIGN_OR_RETURN(int64_t runs, get_int_or(j, "runs", 1, w));
  m.runs = static_cast<int>(runs);
  AGENT_ASSIGN_OR_RETURN(m.model, get_string_or(j, "model_name_or_path", "", w));
  if (j.contains("shard") && !j["shard"].is_null()) {
    const Json& s = j["shard"];
    if (!s.is_array() || s.size() != 2 || !s[0].is_number_integer() || !s[1].is_number_integer()) {
      return invalid_argument(w + ": shard must be [index, count]");
    }
    m.shard_index = s[0].get<int>();
    m.shard_count = s[1].get<int>();
  }
  if (j.contains("settings")) m.settings = j["settings"];
  if (!j.contains("instances") || !j["instances"].is_array()) return invalid_argument(w + ": missing instances");
  for (const auto& e : j["instances"]) {
    if (!e.is_array() || e.size() != 2 || !e[0].is_number_unsigned() || !e[1].is_string()) {
      return invalid_argument(w + ": instances must hold [index, instance_id] pairs");
    }
    m.instances.emplace_back(e[0].get<size_t>(), e[1].get<std::string>());
  }
  return m;
}

Result<BatchManifest> read_manifest(const fs::path& batch_dir) {
  fs::path p = batch_dir / "batch.json";
  auto text = read_file(p, 256u << 20);
  if (!text.ok()) return not_found(p.string() + ": " + text.status().message() + " (not a batch folder)");
  AGENT_ASSIGN_OR_RETURN(Json j, parse_json(*text, p.string()));
  return manifest_from_json(j, p.string());
}

Status write_manifest(const fs::path& batch_dir, const BatchManifest& m) {
  return write_file_atomic(batch_dir / "batch.json", to_json(m).dump(2) + "\n");
}

std::string manifest_mismatch(const BatchManifest& a, const BatchManifest& b) {
  if (a.kind != b.kind) return "one is a `bench " + a.kind + "` batch, the other a `bench " + b.kind + "` batch";
  if (a.tasks_digest != b.tasks_digest) {
    return "the tasks file differs (" + a.tasks_file + " vs " + b.tasks_file + ")";
  }
  if (a.runs != b.runs) return "--runs differs (" + std::to_string(a.runs) + " vs " + std::to_string(b.runs) + ")";
  for (auto it = a.settings.begin(); it != a.settings.end(); ++it) {
    Json other = b.settings.contains(it.key()) ? b.settings[it.key()] : Json();
    if (other != it.value()) {
      return "setting " + it.key() + " differs (" + it.value().dump() + " vs " + other.dump() + ")";
    }
  }
  for (auto it = b.settings.begin(); it != b.settings.end(); ++it) {
    if (!a.settings.contains(it.key())) return "setting " + it.key() + " differs (unset vs " + it.value().dump() + ")";
  }
  return "";
}

}  // namespace agent::bench
