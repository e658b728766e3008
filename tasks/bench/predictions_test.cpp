// Predictions files in both official forms, and every kind of bad prediction named with its
// file and line; predictions for tasks whose lines were skipped are set aside, not fatal.
#include "tasks/bench/predictions.h"

#include <gtest/gtest.h>

#include "common/fs.h"

namespace agent::bench {
namespace {

class PredictionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = TempDir::create("preds-test-");
    ASSERT_TRUE(t.ok());
    tmp_ = std::move(*t);
  }
  fs::path write(const std::string& text) {
    fs::path p = tmp_.path() / "preds.jsonl";
    EXPECT_TRUE(write_file_atomic(p, text).ok());
    return p;
  }
  TempDir tmp_;
  std::set<std::string> known_{"a", "b"};
};

TEST_F(PredictionsTest, JsonLinesAndAJsonList) {
  auto lines = load_predictions(write("{\"instance_id\": \"a\", \"model_name_or_path\": \"m1\", \"model_patch\": \"p\"}\n\n"
                                      "{\"instance_id\": \"b\", \"model_patch\": null}\n"),
                                known_);
  ASSERT_TRUE(lines.ok()) << lines.status().to_string();
  EXPECT_EQ(lines->model, "m1");
  EXPECT_EQ(lines->by_id.at("a").patch, "p");
  EXPECT_EQ(lines->by_id.at("b").patch, "") << "a null patch is an empty one";
  EXPECT_EQ(lines->digest.size(), 16u);
  auto list = load_predictions(write("[{\"instance_id\": \"b\", \"model_name_or_path\": \"m2\", \"model_patch\": \"q\"}]"),
                               known_);
  ASSERT_TRUE(list.ok()) << list.status().to_string();
  EXPECT_EQ(list->by_id.size(), 1u);
  EXPECT_EQ(list->model, "m2");
}

TEST_F(PredictionsTest, BadPredictionsAreNamed) {
  struct Case {
    std::string text, expected;
  };
  for (const Case& c : std::vector<Case>{
           {"{\"instance_id\": \"a\"}\n{\"instance_id\": \"zz\"}\n", "preds.jsonl:2: instance_id \"zz\" is not in the tasks file"},
           {"{\"instance_id\": \"a\"}\n{\"instance_id\": \"a\"}\n", "preds.jsonl:2: instance_id \"a\" has a prediction already"},
           {"{\"instance_id\": \"a\", \"model_patch\": 3}\n", "preds.jsonl:1: field model_patch must be a string"},
           {"[\"a\"]", "preds.jsonl[0]: a prediction must be a JSON object"},
           {"not json\n", "preds.jsonl:1"},
           {"\n\n", "no predictions"},
       }) {
    auto r = load_predictions(write(c.text), known_);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.text;
    EXPECT_NE(r.status().message().find(c.expected), std::string::npos) << r.status().message();
  }
}

TEST_F(PredictionsTest, PredictionsForSkippedTasksAreSetAside) {
  auto r = load_predictions(write("{\"instance_id\": \"a\"}\n{\"instance_id\": \"skipped\", \"model_patch\": \"p\"}\n"),
                            known_, {"skipped"});
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->by_id.size(), 1u);
  ASSERT_EQ(r->ignored.size(), 1u);
  EXPECT_EQ(r->ignored[0].first, "skipped");
  EXPECT_NE(r->ignored[0].second.find("preds.jsonl:2"), std::string::npos) << r->ignored[0].second;
  // Only skipped ids are set aside; an unknown one is still an error.
  EXPECT_FALSE(load_predictions(write("{\"instance_id\": \"other\"}\n"), known_, {"skipped"}).ok());
}

}  // namespace
}  // namespace agent::bench
