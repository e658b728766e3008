// Sampling and generation: greedy, seeded temperature / top-p draws, stop tokens, raw
// log-probabilities.
#include "inference/engine/model/generate.h"

#include <gtest/gtest.h>

#include <cmath>

#include "common/fs.h"
#include "inference/engine/testing/tiny_checkpoint.h"

namespace agent::engine {
namespace {

TEST(Sampler, GreedyAndTopP) {
  std::vector<float> l = {0.5f, 2.0f, 1.0f, 2.0f};
  Sampler s(1);
  EXPECT_EQ(s.sample(l.data(), 4, 0.0, 1.0), 1);  // argmax, ties to the lower id
  // top_p small enough to keep only the most likely token: always that one.
  for (int i = 0; i < 50; ++i) EXPECT_EQ(s.sample(l.data(), 4, 1.0, 0.1), 1);
}

TEST(Sampler, DrawsFollowTheTemperedDistribution) {
  std::vector<float> l = {0.0f, std::log(3.0f)};
  Sampler s(42);
  int ones = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) ones += s.sample(l.data(), 2, 1.0, 1.0);
  EXPECT_NEAR(double(ones) / n, 0.75, 0.015);  // 5 standard deviations of a binomial
  // Temperature 2 flattens 1:3 to 1:sqrt(3).
  ones = 0;
  for (int i = 0; i < n; ++i) ones += s.sample(l.data(), 2, 2.0, 1.0);
  EXPECT_NEAR(double(ones) / n, std::sqrt(3.0) / (1 + std::sqrt(3.0)), 0.015);
  // Same seed, same draws.
  Sampler a(7), b(7);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.sample(l.data(), 2, 1.0, 1.0), b.sample(l.data(), 2, 1.0, 1.0));
}

class GenerateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir(std::move(TempDir::create("engine-generate-").value()));
    auto ck = testing::shared_tiny_checkpoint("flash");
    ASSERT_TRUE(ck.ok()) << ck.status().to_string();
    engine_ = std::move(Engine::open(ck->folder, EngineOptions{2, Numerics::kOfficial}).value()).release();
  }
  static void TearDownTestSuite() {
    delete engine_;
    delete dir_;
  }
  std::vector<GeneratedToken> gen(const std::vector<int32_t>& prompt, SamplingOptions o) {
    auto seq = engine_->new_sequence(256);
    std::vector<GeneratedToken> out;
    Status s = generate(*engine_, **seq, prompt, o, [&](const GeneratedToken& g) {
      out.push_back(g);
      return ok_status();
    });
    EXPECT_TRUE(s.ok()) << s.to_string();
    return out;
  }
  static TempDir* dir_;
  static Engine* engine_;
};
TempDir* GenerateTest::dir_ = nullptr;
Engine* GenerateTest::engine_ = nullptr;

TEST_F(GenerateTest, GreedyFollowsTheArgmaxWithRawLogprobs) {
  auto prompt = testing::random_tokens(40, 1024, 5);
  SamplingOptions o;
  o.max_tokens = 12;
  o.temperature = 0;
  o.top_logprobs = 4;
  o.prefill_chunk = 16;
  auto out = gen(prompt, o);
  ASSERT_EQ(out.size(), 12u);
  // Replay by hand: each token is the argmax of the logits after the previous ones.
  auto seq = engine_->new_sequence(256);
  auto logits = *engine_->forward(**seq, prompt, false);
  for (const auto& g : out) {
    auto lp = log_softmax(logits.data(), 1024);
    int32_t best = int32_t(std::max_element(logits.begin(), logits.end()) - logits.begin());
    EXPECT_EQ(g.id, best);
    EXPECT_FLOAT_EQ(g.logprob, lp[size_t(best)]);
    ASSERT_EQ(g.top.size(), 4u);
    EXPECT_EQ(g.top[0].first, best);
    EXPECT_GE(g.top[0].second, g.top[3].second);
    logits = *engine_->forward(**seq, {g.id}, false);
  }
}

TEST_F(GenerateTest, SeededSamplingAndStopTokens) {
  auto prompt = testing::random_tokens(20, 1024, 6);
  SamplingOptions o;
  o.max_tokens = 20;
  o.temperature = 1.5;
  o.seed = 11;
  auto a = gen(prompt, o), b = gen(prompt, o);
  o.seed = 12;
  auto c = gen(prompt, o);
  ASSERT_EQ(a.size(), 20u);
  bool same_ab = true, same_ac = true;
  for (size_t i = 0; i < a.size(); ++i) {
    same_ab &= a[i].id == b[i].id;
    same_ac &= i < c.size() && a[i].id == c[i].id;
  }
  EXPECT_TRUE(same_ab);
  EXPECT_FALSE(same_ac);
  // Log-probabilities are the raw model's: a high temperature does not change them.
  o.seed = 11;
  o.temperature = 0;
  auto g = gen(prompt, o);
  EXPECT_FLOAT_EQ(g[0].logprob, log_softmax(engine_->forward(**engine_->new_sequence(64), prompt, false)->data(), 1024)[size_t(g[0].id)]);
  // A stop token ends generation after it is emitted.
  o.stop_tokens = {a[3].id};
  o.temperature = 1.5;
  auto s = gen(prompt, o);
  ASSERT_LE(s.size(), 4u);
  EXPECT_TRUE(s.back().stop);
  EXPECT_EQ(s.back().id, a[3].id);
}

}  // namespace
}  // namespace agent::engine
