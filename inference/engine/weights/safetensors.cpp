#include "inference/engine/weights/safetensors.h"

#include <algorithm>
#include <set>

#include "common/fs.h"
#include "common/json.h"

namespace agent::engine {
namespace {

// Reads one header entry into `t`; `where` names the tensor and file for messages.
Status parse_entry(const Json& e, uint64_t data_size, const uint8_t* base, const std::string& where,
                   TensorView& t) {
  if (!e.is_object()) return data_loss(where + ": header entry is not an object");
  auto dt = e.find("dtype");
  auto sh = e.find("shape");
  auto off = e.find("data_offsets");
  if (dt == e.end() || !dt->is_string() || sh == e.end() || !sh->is_array() || off == e.end() ||
      !off->is_array() || off->size() != 2) {
    return data_loss(where + ": header entry lacks dtype, shape or data_offsets");
  }
  auto type = dtype_from_safetensors(dt->get<std::string>());
  if (!type) return invalid_argument(where + ": unsupported dtype " + dt->get<std::string>());
  t.dtype = *type;
  for (const auto& d : *sh) {
    if (!d.is_number_unsigned()) return data_loss(where + ": bad shape entry");
    t.shape.push_back(d.get<int64_t>());
  }
  if (!(*off)[0].is_number_unsigned() || !(*off)[1].is_number_unsigned()) {
    return data_loss(where + ": bad data_offsets");
  }
  uint64_t begin = (*off)[0].get<uint64_t>(), end = (*off)[1].get<uint64_t>();
  if (end < begin || end > data_size) {
    return data_loss(where + ": data range [" + std::to_string(begin) + ", " + std::to_string(end) +
                     ") lies outside the file's " + std::to_string(data_size) +
                     " data bytes (truncated file?)");
  }
  int64_t want = dtype_bytes_for(t.dtype, t.numel());
  if (want != int64_t(end - begin)) {
    return data_loss(where + ": " + std::string(dtype_name(t.dtype)) + " " + shape_string(t.shape) +
                     " needs " + std::to_string(want) + " bytes, the file gives " +
                     std::to_string(end - begin));
  }
  t.data = base + begin;
  t.nbytes = int64_t(end - begin);
  return ok_status();
}

}  // namespace

Result<std::unique_ptr<SafetensorsFile>> SafetensorsFile::open(const std::filesystem::path& path) {
  AGENT_ASSIGN_OR_RETURN(auto mf, MappedFile::open(path));
  const std::string p = path.string();
  if (mf->size() < 8) return data_loss(p + ": too short for a safetensors header");
  uint64_t hlen = 0;
  for (int i = 7; i >= 0; --i) hlen = (hlen << 8) | mf->data()[i];
  if (hlen > mf->size() - 8) return data_loss(p + ": header length runs past the end of the file");
  std::string_view htext(reinterpret_cast<const char*>(mf->data() + 8), hlen);
  AGENT_ASSIGN_OR_RETURN(Json header, parse_json(htext, p + " header"));
  if (!header.is_object()) return data_loss(p + ": header is not a JSON object");
  auto out = std::unique_ptr<SafetensorsFile>(new SafetensorsFile());
  const uint8_t* base = mf->data() + 8 + hlen;
  uint64_t data_size = mf->size() - 8 - hlen;
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") continue;
    TensorView t;
    t.name = it.key();
    t.file = p;
    AGENT_RETURN_IF_ERROR(parse_entry(it.value(), data_size, base, "tensor " + t.name + " in " + p, t));
    out->tensors_.emplace(t.name, std::move(t));
  }
  out->file_ = std::move(mf);
  return out;
}

Result<std::unique_ptr<SafetensorsCheckpoint>> SafetensorsCheckpoint::open(
    const std::filesystem::path& dir) {
  auto ck = std::unique_ptr<SafetensorsCheckpoint>(new SafetensorsCheckpoint());
  ck->dir_ = dir.string();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return not_found(dir.string() + " is not a folder");
  auto index_path = dir / "model.safetensors.index.json";
  std::map<std::string, std::string> weight_map;  // tensor -> shard file name
  std::vector<std::string> shards;
  if (std::filesystem::exists(index_path, ec)) {
    AGENT_ASSIGN_OR_RETURN(std::string text, read_file(index_path));
    AGENT_ASSIGN_OR_RETURN(Json idx, parse_json(text, index_path.string()));
    auto wm = idx.find("weight_map");
    if (!idx.is_object() || wm == idx.end() || !wm->is_object()) {
      return data_loss(index_path.string() + ": no weight_map object");
    }
    std::set<std::string> uniq;
    for (auto it = wm->begin(); it != wm->end(); ++it) {
      if (!it.value().is_string()) return data_loss(index_path.string() + ": bad entry " + it.key());
      weight_map[it.key()] = it.value().get<std::string>();
      uniq.insert(it.value().get<std::string>());
    }
    shards.assign(uniq.begin(), uniq.end());
  } else {
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      if (e.path().extension() == ".safetensors") shards.push_back(e.path().filename().string());
    }
    std::sort(shards.begin(), shards.end());
    if (shards.empty()) return not_found(dir.string() + ": no *.safetensors files");
  }
  for (const auto& s : shards) {
    AGENT_ASSIGN_OR_RETURN(auto f, SafetensorsFile::open(dir / s));
    for (const auto& [name, view] : f->tensors()) {
      if (ck->index_.count(name)) {
        return data_loss("tensor " + name + " appears in two shards (" + ck->index_[name]->file +
                         " and " + f->path() + ")");
      }
      if (!weight_map.empty()) {
        auto w = weight_map.find(name);
        if (w == weight_map.end() || w->second != s) {
          return data_loss("tensor " + name + " is in " + f->path() +
                           " but model.safetensors.index.json does not place it there");
        }
      }
      ck->index_[name] = &view;
    }
    ck->files_.push_back(std::move(f));
  }
  for (const auto& [name, shard] : weight_map) {
    if (!ck->index_.count(name)) {
      return data_loss("tensor " + name + " is listed in model.safetensors.index.json but missing from " +
                       (dir / shard).string());
    }
  }
  return ck;
}

const TensorView* SafetensorsCheckpoint::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : it->second;
}

std::vector<std::string> SafetensorsCheckpoint::names() const {
  std::vector<std::string> out;
  out.reserve(index_.size());
  for (const auto& kv : index_) out.push_back(kv.first);
  return out;
}

}  // namespace agent::engine
