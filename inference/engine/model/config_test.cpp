// Config parsing: the real Flash/Pro configs, the short-name config, GGUF metadata.
#include "inference/engine/model/config.h"
#include "inference/engine/model/gguf_tokenizer.h"

#include <gtest/gtest.h>

#include "common/fs.h"
#include "inference/engine/testing/tiny_checkpoint.h"
#include "inference/engine/weights/gguf.h"

namespace agent::engine {
namespace {

Result<ModelConfig> parse_file(const std::string& rel) {
  auto p = testing::source_dir() / "tests/data/engine" / rel;
  AGENT_ASSIGN_OR_RETURN(std::string text, read_file(p));
  AGENT_ASSIGN_OR_RETURN(Json j, parse_json(text, p.string()));
  return parse_model_config(j, p.string());
}

TEST(Config, FlashReleaseConfig) {
  auto c = parse_file("flash-config.json");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->dim, 4096);
  EXPECT_EQ(c->n_layers, 43);
  EXPECT_EQ(c->compress_ratios.size(), 44u);  // the last entry is the MTP layer's
  EXPECT_EQ(c->ratio(0), 0);
  EXPECT_EQ(c->ratio(2), 4);
  EXPECT_EQ(c->ratio(3), 128);
  EXPECT_EQ(c->ratio(42), 4);
  EXPECT_EQ(c->index_topk, 512);
  EXPECT_DOUBLE_EQ(c->route_scale, 1.5);
  EXPECT_EQ(c->original_seq_len, 65536);
  EXPECT_DOUBLE_EQ(c->rope_factor, 16);
  EXPECT_DOUBLE_EQ(c->shared_swiglu_limit, 0.0);
  // Section 4.2, format (a): 6,880 bytes per token in bf16.
  EXPECT_DOUBLE_EQ(c->kv_bytes_per_token(2), 6880);
  RopeSpec r0 = c->rope_for_layer(0), r2 = c->rope_for_layer(2);
  EXPECT_FALSE(r0.yarn);
  EXPECT_DOUBLE_EQ(r0.base, 10000);
  EXPECT_TRUE(r2.yarn);
  EXPECT_DOUBLE_EQ(r2.base, 160000);
}

TEST(Config, ShortNamesGiveTheSameModel) {
  auto a = parse_file("flash-config.json");
  auto b = parse_file("flash-inference-config.json");
  ASSERT_TRUE(a.ok() && b.ok()) << b.status().to_string();
  EXPECT_EQ(a->dim, b->dim);
  EXPECT_EQ(a->compress_ratios, b->compress_ratios);
  EXPECT_EQ(a->q_lora_rank, b->q_lora_rank);
  EXPECT_EQ(a->window, b->window);
  EXPECT_EQ(a->moe_inter_dim, b->moe_inter_dim);
  EXPECT_EQ(a->n_activated_experts, b->n_activated_experts);
  EXPECT_EQ(a->original_seq_len, b->original_seq_len);
  EXPECT_DOUBLE_EQ(a->route_scale, b->route_scale);
}

TEST(Config, ProReleaseConfig) {
  auto c = parse_file("pro-config.json");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->n_layers, 61);
  EXPECT_EQ(c->ratio(0), 128);
  EXPECT_EQ(c->ratio(1), 128);
  EXPECT_EQ(c->o_groups, 16);
  EXPECT_DOUBLE_EQ(c->route_scale, 2.5);
  EXPECT_DOUBLE_EQ(c->kv_bytes_per_token(2), 9848);  // section 4.2 (a)
}

TEST(Config, BadConfigsNameTheField) {
  Json j = Json::parse(R"({"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
                           "compress_ratios": [0]})");
  auto r = parse_model_config(j, "cfg");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("compress_ratios"), std::string::npos) << r.status().message();
  j["compress_ratios"] = {0, 0};
  j["num_attention_heads"] = "four";
  r = parse_model_config(j, "cfg");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("num_attention_heads"), std::string::npos);
  j["num_attention_heads"] = 4;
  j["o_groups"] = 2;
  j["num_hash_layers"] = 1;
  j["scoring_func"] = "softmax";
  r = parse_model_config(j, "cfg");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("softmax"), std::string::npos) << r.status().message();
  EXPECT_FALSE(parse_model_config(Json::parse("[1]"), "cfg").ok());
}

TEST(Config, GgufMetadataMatchesHfConfig) {
  auto dir = TempDir::create("engine-config-");
  ASSERT_TRUE(dir.ok());
  ASSERT_TRUE(testing::run_generator({"--preset", "pro", "--safetensors", (dir->path() / "m").string(), "--gguf",
                                      (dir->path() / "m.gguf").string(), "--short-config"})
                  .ok());
  auto hf = load_model_config(dir->path() / "m");
  auto short_cfg = load_model_config(dir->path() / "m" / "inference");
  auto g = GgufFile::open(dir->path() / "m.gguf");
  ASSERT_TRUE(hf.ok() && short_cfg.ok() && g.ok());
  auto gc = model_config_from_gguf(**g);
  ASSERT_TRUE(gc.ok()) << gc.status().to_string();
  for (const ModelConfig* c : {&*gc, &*short_cfg}) {
    EXPECT_EQ(c->dim, hf->dim);
    EXPECT_EQ(c->n_layers, hf->n_layers);
    EXPECT_EQ(c->vocab_size, hf->vocab_size);
    EXPECT_EQ(c->index_topk, hf->index_topk);
    EXPECT_EQ(c->o_groups, hf->o_groups);
    EXPECT_EQ(c->n_hash_layers, hf->n_hash_layers);
    EXPECT_DOUBLE_EQ(c->route_scale, hf->route_scale);
    EXPECT_DOUBLE_EQ(c->rope_factor, hf->rope_factor);
    for (int64_t l = 0; l < hf->n_layers; ++l) EXPECT_EQ(c->ratio(l), hf->ratio(l));
  }
  EXPECT_DOUBLE_EQ(gc->swiglu_limit, 10.0);
  EXPECT_DOUBLE_EQ(gc->shared_swiglu_limit, 0.0);
}

}  // namespace
}  // namespace agent::engine

namespace agent::engine {
namespace {

// The tokenizer rebuilt from a GGUF's metadata encodes and decodes like the tokenizer.json it
// was written from.
TEST(GgufTokenizer, MatchesTokenizerJson) {
  auto dir = TempDir::create("engine-gguf-tok-");
  ASSERT_TRUE(dir.ok());
  ASSERT_TRUE(testing::run_generator({"--preset", "flash", "--safetensors", (dir->path() / "m").string(), "--gguf",
                                      (dir->path() / "m.gguf").string()})
                  .ok());
  auto from_json = Tokenizer::load(dir->path() / "m" / "tokenizer.json");
  auto from_gguf = load_checkpoint_tokenizer(dir->path() / "m.gguf");
  ASSERT_TRUE(from_json.ok() && from_gguf.ok()) << from_gguf.status().to_string();
  ASSERT_TRUE(from_gguf->has_value());
  const std::string text =
      "<｜begin▁of▁sentence｜><｜User｜>def main(argv):\n    return 0 数据 123456<｜Assistant｜><think>hm</think>ok";
  auto a = from_json->encode(text), b = (*from_gguf)->encode(text);
  EXPECT_EQ(a, b);
  EXPECT_EQ(*(*from_gguf)->decode(b), text);
  ASSERT_TRUE(testing::run_generator({"--preset", "flash", "--gguf", (dir->path() / "bare.gguf").string(),
                                      "--gguf-no-tokenizer"})
                  .ok());
  auto none = load_checkpoint_tokenizer(dir->path() / "bare.gguf");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

}  // namespace
}  // namespace agent::engine
