// GGUF reading: metadata, tensor shapes, and errors for truncated or corrupt files.
#include "inference/engine/weights/gguf.h"

#include <gtest/gtest.h>

#include <cstring>

#include "common/fs.h"

namespace agent::engine {
namespace {

class Writer {
 public:
  template <typename T>
  void put(T v) { out.append(reinterpret_cast<const char*>(&v), sizeof(T)); }
  void str(const std::string& s) { put<uint64_t>(s.size()); out += s; }
  std::string out;
};

// A GGUF v3 file with two keys and one F32 tensor of ne = {3, 2} (shape [2, 3]).
std::string tiny_gguf() {
  Writer w;
  w.out = "GGUF";
  w.put<uint32_t>(3);
  w.put<uint64_t>(1);  // tensors
  w.put<uint64_t>(3);  // keys
  w.str("general.architecture"); w.put<uint32_t>(8); w.str("deepseek4");
  w.str("deepseek4.block_count"); w.put<uint32_t>(4); w.put<uint32_t>(7);
  w.str("deepseek4.attention.compress_ratios"); w.put<uint32_t>(9); w.put<uint32_t>(5);
  w.put<uint64_t>(3); w.put<int32_t>(0); w.put<int32_t>(4); w.put<int32_t>(128);
  w.str("blk.0.attn_sinks.weight"); w.put<uint32_t>(2); w.put<uint64_t>(3); w.put<uint64_t>(2);
  w.put<uint32_t>(0); w.put<uint64_t>(0);
  while (w.out.size() % 32) w.out += '\0';
  for (int i = 0; i < 6; ++i) w.put<float>(float(i));
  return w.out;
}

TEST(Gguf, ReadsMetadataAndTensors) {
  auto dir = TempDir::create("gguf-");
  ASSERT_TRUE(dir.ok());
  ASSERT_TRUE(write_file_atomic(dir->path() / "m.gguf", tiny_gguf()).ok());
  auto g = GgufFile::open(dir->path() / "m.gguf");
  ASSERT_TRUE(g.ok()) << g.status().to_string();
  EXPECT_EQ(*(*g)->get_string("general.architecture"), "deepseek4");
  EXPECT_EQ(*(*g)->get_int("deepseek4.block_count"), 7);
  EXPECT_EQ(*(*g)->get_int_array("deepseek4.attention.compress_ratios"), (std::vector<int64_t>{0, 4, 128}));
  EXPECT_FALSE((*g)->get_int("missing.key").ok());
  const TensorView* t = (*g)->find("blk.0.attn_sinks.weight");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(reinterpret_cast<const float*>(t->data)[5], 5.0f);
}

TEST(Gguf, TruncatedAndCorruptFiles) {
  auto dir = TempDir::create("gguf-");
  ASSERT_TRUE(dir.ok());
  std::string good = tiny_gguf();
  // Every truncation point must give an error, never a crash.
  for (size_t cut = 1; cut < good.size(); cut += 7) {
    ASSERT_TRUE(write_file_atomic(dir->path() / "t.gguf", good.substr(0, good.size() - cut)).ok());
    auto g = GgufFile::open(dir->path() / "t.gguf");
    EXPECT_FALSE(g.ok()) << "cut " << cut;
  }
  ASSERT_TRUE(write_file_atomic(dir->path() / "t.gguf", good.substr(0, good.size() - 4)).ok());
  auto g = GgufFile::open(dir->path() / "t.gguf");
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("blk.0.attn_sinks.weight"), std::string::npos) << g.status().message();
  std::string bad = good;
  bad[0] = 'X';
  ASSERT_TRUE(write_file_atomic(dir->path() / "b.gguf", bad).ok());
  EXPECT_FALSE(GgufFile::open(dir->path() / "b.gguf").ok());
  // A string length that points far past the end.
  bad = good;
  uint64_t huge = uint64_t(1) << 50;
  std::memcpy(&bad[24], &huge, 8);
  ASSERT_TRUE(write_file_atomic(dir->path() / "c.gguf", bad).ok());
  EXPECT_FALSE(GgufFile::open(dir->path() / "c.gguf").ok());
}

}  // namespace
}  // namespace agent::engine
