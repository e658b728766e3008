// Safetensors files and sharded checkpoints: reading, and clear errors for bad files.
#include "inference/engine/weights/safetensors.h"

#include <gtest/gtest.h>

#include "common/fs.h"
#include "common/json.h"

namespace agent::engine {
namespace {

struct Entry {
  std::string name, dtype;
  std::vector<int64_t> shape;
  std::string bytes;
};

// Writes a safetensors file; `cut` drops that many bytes from the end (a truncated file).
void write_st(const fs::path& p, const std::vector<Entry>& es, size_t cut = 0) {
  Json h = Json::object();
  std::string data;
  for (const auto& e : es) {
    h[e.name] = {{"dtype", e.dtype}, {"shape", e.shape}, {"data_offsets", {data.size(), data.size() + e.bytes.size()}}};
    data += e.bytes;
  }
  std::string hs = h.dump();
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = char((hs.size() >> (8 * i)) & 0xff);
  out += hs + data;
  out.resize(out.size() - cut);
  ASSERT_TRUE(write_file_atomic(p, out).ok());
}

std::string f32s(std::vector<float> v) { return std::string(reinterpret_cast<char*>(v.data()), v.size() * 4); }

TEST(Safetensors, ReadsTensors) {
  auto dir = TempDir::create("st-");
  ASSERT_TRUE(dir.ok());
  write_st(dir->path() / "model.safetensors",
           {{"a", "F32", {2, 2}, f32s({1, 2, 3, 4})}, {"b", "BF16", {1}, std::string("\x80\x3f", 2)}});
  auto ck = SafetensorsCheckpoint::open(dir->path());
  ASSERT_TRUE(ck.ok()) << ck.status().to_string();
  const TensorView* a = (*ck)->find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(reinterpret_cast<const float*>(a->data)[3], 4.0f);
  EXPECT_EQ((*ck)->find("b")->dtype, DType::kBF16);
  EXPECT_EQ((*ck)->find("c"), nullptr);
}

TEST(Safetensors, TruncatedFileNamesTheTensor) {
  auto dir = TempDir::create("st-");
  ASSERT_TRUE(dir.ok());
  write_st(dir->path() / "model.safetensors",
           {{"first", "F32", {2}, f32s({1, 2})}, {"layers.0.attn.wkv.weight", "F32", {4}, f32s({1, 2, 3, 4})}}, 3);
  auto ck = SafetensorsCheckpoint::open(dir->path());
  ASSERT_FALSE(ck.ok());
  EXPECT_EQ(ck.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(ck.status().message().find("layers.0.attn.wkv.weight"), std::string::npos) << ck.status().message();
}

TEST(Safetensors, CorruptHeaders) {
  auto dir = TempDir::create("st-");
  ASSERT_TRUE(dir.ok());
  // Size does not match dtype x shape.
  write_st(dir->path() / "a.safetensors", {{"w", "F32", {3}, f32s({1, 2})}});
  auto r = SafetensorsFile::open(dir->path() / "a.safetensors");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("tensor w"), std::string::npos);
  // Unknown dtype.
  write_st(dir->path() / "b.safetensors", {{"w", "F7", {1}, "x"}});
  r = SafetensorsFile::open(dir->path() / "b.safetensors");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("F7"), std::string::npos);
  // Header length past the end, and garbage.
  ASSERT_TRUE(write_file_atomic(dir->path() / "c.safetensors", std::string("\xff\xff\x00\x00\x00\x00\x00\x00{}", 10)).ok());
  EXPECT_FALSE(SafetensorsFile::open(dir->path() / "c.safetensors").ok());
  ASSERT_TRUE(write_file_atomic(dir->path() / "d.safetensors", "abc").ok());
  EXPECT_FALSE(SafetensorsFile::open(dir->path() / "d.safetensors").ok());
  ASSERT_TRUE(write_file_atomic(dir->path() / "e.safetensors", std::string("\x04\0\0\0\0\0\0\0{{{{", 12)).ok());
  EXPECT_FALSE(SafetensorsFile::open(dir->path() / "e.safetensors").ok());
}

TEST(Safetensors, ShardIndexMustAgree) {
  auto dir = TempDir::create("st-");
  ASSERT_TRUE(dir.ok());
  write_st(dir->path() / "s1.safetensors", {{"x", "F32", {1}, f32s({1})}});
  write_st(dir->path() / "s2.safetensors", {{"y", "F32", {1}, f32s({2})}});
  Json idx = {{"metadata", Json::object()}, {"weight_map", {{"x", "s1.safetensors"}, {"y", "s2.safetensors"}}}};
  ASSERT_TRUE(write_file_atomic(dir->path() / "model.safetensors.index.json", idx.dump()).ok());
  auto ok = SafetensorsCheckpoint::open(dir->path());
  ASSERT_TRUE(ok.ok()) << ok.status().to_string();
  EXPECT_EQ((*ok)->names().size(), 2u);

  idx["weight_map"]["z"] = "s2.safetensors";
  ASSERT_TRUE(write_file_atomic(dir->path() / "model.safetensors.index.json", idx.dump()).ok());
  auto missing = SafetensorsCheckpoint::open(dir->path());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("tensor z"), std::string::npos) << missing.status().message();

  idx["weight_map"].erase("z");
  idx["weight_map"]["y"] = "s1.safetensors";
  ASSERT_TRUE(write_file_atomic(dir->path() / "model.safetensors.index.json", idx.dump()).ok());
  auto misplaced = SafetensorsCheckpoint::open(dir->path());
  ASSERT_FALSE(misplaced.ok());
  EXPECT_NE(misplaced.status().message().find("tensor y"), std::string::npos);
}

}  // namespace
}  // namespace agent::engine
