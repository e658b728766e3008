#include "inference/engine/weights/gguf.h"

#include <cstring>

namespace agent::engine {
namespace {

// A bounds-checked cursor over the mapped bytes; the first failure sticks and is reported.
class Reader {
 public:
  Reader(const uint8_t* p, uint64_t n) : p_(p), n_(n) {}
  bool ok() const { return ok_; }
  uint64_t pos() const { return pos_; }
  template <typename T>
  T get() {
    T v{};
    if (!need(sizeof(T))) return v;
    std::memcpy(&v, p_ + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string str() {
    uint64_t len = get<uint64_t>();
    if (!need(len)) return {};
    std::string s(reinterpret_cast<const char*>(p_ + pos_), len);
    pos_ += len;
    return s;
  }

 private:
  bool need(uint64_t k) {
    if (!ok_ || k > n_ - pos_) ok_ = false;
    return ok_;
  }
  const uint8_t* p_;
  uint64_t n_;
  uint64_t pos_ = 0;
  bool ok_ = true;
};

enum GgufType : uint32_t {
  kU8 = 0, kI8, kU16, kI16, kU32, kI32, kF32, kBool, kString, kArray, kU64, kI64, kF64
};

// Reads one scalar of `type` as a number; false for strings/arrays/unknown types.
bool read_number(Reader& r, uint32_t type, int64_t& i, double& f, bool& is_float) {
  is_float = false;
  switch (type) {
    case kU8: i = r.get<uint8_t>(); break;
    case kI8: i = r.get<int8_t>(); break;
    case kU16: i = r.get<uint16_t>(); break;
    case kI16: i = r.get<int16_t>(); break;
    case kU32: i = r.get<uint32_t>(); break;
    case kI32: i = r.get<int32_t>(); break;
    case kU64: i = int64_t(r.get<uint64_t>()); break;
    case kI64: i = r.get<int64_t>(); break;
    case kBool: i = r.get<uint8_t>() ? 1 : 0; break;
    case kF32: f = r.get<float>(); is_float = true; break;
    case kF64: f = r.get<double>(); is_float = true; break;
    default: return false;
  }
  if (!is_float) f = double(i);
  return true;
}

Status read_value(Reader& r, uint32_t type, const std::string& key, GgufValue& v) {
  int64_t i = 0;
  double f = 0;
  bool is_float = false;
  if (type == kString) {
    v.kind = GgufValue::Kind::kString;
    v.s = r.str();
  } else if (type == kArray) {
    uint32_t et = r.get<uint32_t>();
    uint64_t n = r.get<uint64_t>();
    if (!r.ok() || n > (uint64_t(1) << 32)) return data_loss("GGUF key " + key + ": bad array header");
    v.kind = et == kString ? GgufValue::Kind::kStringArray
             : (et == kF32 || et == kF64) ? GgufValue::Kind::kFloatArray
                                          : GgufValue::Kind::kIntArray;
    for (uint64_t k = 0; k < n && r.ok(); ++k) {
      if (et == kString) {
        v.strings.push_back(r.str());
      } else if (read_number(r, et, i, f, is_float)) {
        if (is_float) v.floats.push_back(f); else v.ints.push_back(i);
      } else {
        return data_loss("GGUF key " + key + ": unsupported array element type " + std::to_string(et));
      }
    }
  } else if (read_number(r, type, i, f, is_float)) {
    v.kind = is_float ? GgufValue::Kind::kFloat : (type == kBool ? GgufValue::Kind::kBool : GgufValue::Kind::kInt);
    v.i = i;
    v.f = f;
    v.b = i != 0;
  } else {
    return data_loss("GGUF key " + key + ": unknown value type " + std::to_string(type));
  }
  if (!r.ok()) return data_loss("GGUF key " + key + ": value runs past the end of the file");
  return ok_status();
}

struct PendingTensor {
  TensorView view;
  uint64_t offset = 0;
};

Status read_tensor_info(Reader& r, const std::string& path, PendingTensor& t) {
  t.view.name = r.str();
  t.view.file = path;
  uint32_t nd = r.get<uint32_t>();
  if (!r.ok() || nd == 0 || nd > 4) return data_loss(path + ": bad tensor info for '" + t.view.name + "'");
  std::vector<int64_t> ne(nd);
  for (auto& d : ne) {
    uint64_t x = r.get<uint64_t>();
    if (x > (uint64_t(1) << 40)) return data_loss("tensor " + t.view.name + " in " + path + ": absurd dimension");
    d = int64_t(x);
  }
  uint32_t gt = r.get<uint32_t>();
  t.offset = r.get<uint64_t>();
  if (!r.ok()) return data_loss(path + ": tensor info of '" + t.view.name + "' is truncated");
  auto dt = dtype_from_ggml(gt);
  if (!dt) return invalid_argument("tensor " + t.view.name + " in " + path + ": unsupported ggml type " + std::to_string(gt));
  t.view.dtype = *dt;
  t.view.shape.assign(ne.rbegin(), ne.rend());
  if (ne[0] % dtype_block_elems(*dt) != 0) {
    return data_loss("tensor " + t.view.name + " in " + path + ": row length " + std::to_string(ne[0]) +
                     " is not a whole number of " + std::string(dtype_name(*dt)) + " blocks");
  }
  t.view.nbytes = dtype_bytes_for(*dt, t.view.numel());
  return ok_status();
}

}  // namespace

Result<std::unique_ptr<GgufFile>> GgufFile::open(const std::filesystem::path& path) {
  AGENT_ASSIGN_OR_RETURN(auto mf, MappedFile::open(path));
  const std::string p = path.string();
  Reader r(mf->data(), mf->size());
  uint32_t magic = r.get<uint32_t>();
  uint32_t version = r.get<uint32_t>();
  uint64_t n_tensors = r.get<uint64_t>(), n_kv = r.get<uint64_t>();
  if (!r.ok() || std::memcmp(&magic, "GGUF", 4) != 0) return data_loss(p + ": not a GGUF file");
  if (version < 2 || version > 3) return invalid_argument(p + ": unsupported GGUF version " + std::to_string(version));
  if (n_tensors > (1u << 24) || n_kv > (1u << 20)) return data_loss(p + ": absurd tensor or key count");
  auto g = std::unique_ptr<GgufFile>(new GgufFile());
  for (uint64_t k = 0; k < n_kv; ++k) {
    std::string key = r.str();
    uint32_t type = r.get<uint32_t>();
    if (!r.ok()) return data_loss(p + ": metadata is truncated");
    GgufValue v;
    AGENT_RETURN_IF_ERROR(read_value(r, type, key, v).with_context(p));
    g->kv_[key] = std::move(v);
  }
  std::vector<PendingTensor> pending(n_tensors);
  for (auto& t : pending) AGENT_RETURN_IF_ERROR(read_tensor_info(r, p, t));
  uint64_t align = 32;
  if (auto a = g->int_or_none("general.alignment")) {
    if (*a <= 0 || (*a & (*a - 1)) != 0) return data_loss(p + ": general.alignment is not a power of two");
    align = uint64_t(*a);
  }
  uint64_t data_start = (r.pos() + align - 1) / align * align;
  if (data_start > mf->size()) return data_loss(p + ": file ends before the tensor data");
  uint64_t data_size = mf->size() - data_start;
  for (auto& t : pending) {
    if (t.offset > data_size || uint64_t(t.view.nbytes) > data_size - t.offset) {
      return data_loss("tensor " + t.view.name + " in " + p + ": its data runs past the end of the file "
                       "(truncated file?)");
    }
    t.view.data = mf->data() + data_start + t.offset;
    if (!g->tensors_.emplace(t.view.name, t.view).second) {
      return data_loss(p + ": tensor " + t.view.name + " appears twice");
    }
  }
  g->file_ = std::move(mf);
  return g;
}

const TensorView* GgufFile::find(const std::string& name) const {
  auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : &it->second;
}

std::vector<std::string> GgufFile::names() const {
  std::vector<std::string> out;
  for (const auto& kv : tensors_) out.push_back(kv.first);
  return out;
}

const GgufValue* GgufFile::value(const std::string& key) const {
  auto it = kv_.find(key);
  return it == kv_.end() ? nullptr : &it->second;
}

Result<int64_t> GgufFile::get_int(const std::string& key) const {
  const GgufValue* v = value(key);
  if (!v) return not_found(describe() + ": missing GGUF key " + key);
  if (v->kind != GgufValue::Kind::kInt && v->kind != GgufValue::Kind::kBool) {
    return invalid_argument(describe() + ": GGUF key " + key + " is not an integer");
  }
  return v->i;
}

Result<double> GgufFile::get_float(const std::string& key) const {
  const GgufValue* v = value(key);
  if (!v) return not_found(describe() + ": missing GGUF key " + key);
  if (v->kind == GgufValue::Kind::kFloat || v->kind == GgufValue::Kind::kInt) return v->f;
  return invalid_argument(describe() + ": GGUF key " + key + " is not a number");
}

Result<std::string> GgufFile::get_string(const std::string& key) const {
  const GgufValue* v = value(key);
  if (!v) return not_found(describe() + ": missing GGUF key " + key);
  if (v->kind != GgufValue::Kind::kString) return invalid_argument(describe() + ": GGUF key " + key + " is not a string");
  return v->s;
}

Result<std::vector<int64_t>> GgufFile::get_int_array(const std::string& key) const {
  const GgufValue* v = value(key);
  if (!v) return not_found(describe() + ": missing GGUF key " + key);
  if (v->kind == GgufValue::Kind::kIntArray) return v->ints;
  if (v->kind == GgufValue::Kind::kInt) return std::vector<int64_t>{v->i};
  return invalid_argument(describe() + ": GGUF key " + key + " is not an integer array");
}

std::optional<int64_t> GgufFile::int_or_none(const std::string& key) const {
  const GgufValue* v = value(key);
  if (!v || (v->kind != GgufValue::Kind::kInt && v->kind != GgufValue::Kind::kBool)) return std::nullopt;
  return v->i;
}

std::optional<double> GgufFile::float_or_none(const std::string& key) const {
  const GgufValue* v = value(key);
  if (!v || (v->kind != GgufValue::Kind::kFloat && v->kind != GgufValue::Kind::kInt)) return std::nullopt;
  return v->f;
}

}  // namespace agent::engine
