#include "tasks/bench/predictions.h"

#include "common/fs.h"
#include "tasks/bench/task.h"

namespace agent::bench {

namespace {

struct Known {
  const std::set<std::string>& ids;
  const std::set<std::string>& ignored;
};

Status add_prediction(const Json& j, const std::string& where, const Known& known, PredictionFile* out) {
  if (!j.is_object()) return invalid_argument(where + ": a prediction must be a JSON object");
  AGENT_ASSIGN_OR_RETURN(std::string id, get_string(j, "instance_id", where));
  Prediction p;
  AGENT_ASSIGN_OR_RETURN(p.model, get_string_or(j, "model_name_or_path", "", where));
  auto patch = j.find("model_patch");
  if (patch != j.end() && !patch->is_null()) {
    if (!patch->is_string()) return invalid_argument(where + ": field model_patch must be a string or null");
    p.patch = patch->get<std::string>();
  }
  if (known.ignored.count(id) && !known.ids.count(id)) {
    out->ignored.emplace_back(id, where);
    return ok_status();
  }
  if (!known.ids.count(id)) {
    return invalid_argument(where + ": instance_id " + quoted_for_message(id) + " is not in the tasks file");
  }
  if (out->model.empty()) out->model = p.model;
  if (!out->by_id.emplace(id, std::move(p)).second) {
    return invalid_argument(where + ": instance_id " + quoted_for_message(id) + " has a prediction already");
  }
  return ok_status();
}

}  // namespace

Result<PredictionFile> load_predictions(const fs::path& file, const std::set<std::string>& known_ids,
                                        const std::set<std::string>& ignored_ids) {
  Known known{known_ids, ignored_ids};
  auto text = read_file(file, 4ull << 30);
  if (!text.ok()) return invalid_argument("--preds " + file.string() + ": " + text.status().message());
  PredictionFile out;
  out.digest = content_digest(*text);
  size_t first = text->find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (*text)[first] == '[') {
    AGENT_ASSIGN_OR_RETURN(Json list, parse_json(*text, "--preds " + file.string()));
    if (!list.is_array()) return invalid_argument("--preds " + file.string() + ": not a JSON list");
    for (size_t i = 0; i < list.size(); ++i) {
      AGENT_RETURN_IF_ERROR(add_prediction(list[i], file.string() + "[" + std::to_string(i) + "]", known, &out));
    }
  } else {
    size_t start = 0, line_no = 0;
    while (start < text->size()) {
      size_t end = text->find('\n', start);
      if (end == std::string::npos) end = text->size();
      std::string_view line(text->data() + start, end - start);
      start = end + 1;
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      std::string where = file.string() + ":" + std::to_string(line_no);
      AGENT_ASSIGN_OR_RETURN(Json j, parse_json(line, where));
      AGENT_RETURN_IF_ERROR(add_prediction(j, where, known, &out));
    }
  }
  if (out.by_id.empty() && out.ignored.empty()) return invalid_argument("--preds " + file.string() + ": no predictions in the file");
  return out;
}

}  // namespace agent::bench
