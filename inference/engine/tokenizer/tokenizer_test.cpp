// The tokenizer's mechanics on a small hand-made tokenizer.json (no npm needed): BPE merge
// order, added-token matching, the overlay, loading errors, streaming decoding and incremental
// encoding. The real vocabulary is checked in tokenizer_reference_test.cpp.
#include "inference/engine/tokenizer/tokenizer.h"

#include <gtest/gtest.h>

#include "common/json.h"
#include "common/text.h"
#include "inference/engine/tokenizer/streaming_decoder.h"
#include "inference/engine/tokenizer/tokenized_text.h"

namespace agent::engine {
namespace {

// The DeepSeek-V3 pre_tokenizer as tokenizer.json spells it.
Json deepseek_pre_tokenizer() {
  auto split = [](std::string re) {
    return Json{{"type", "Split"}, {"pattern", {{"Regex", re}}}, {"behavior", "Isolated"},
                {"invert", false}};
  };
  return Json{{"type", "Sequence"},
              {"pretokenizers",
               {split("\\p{N}{1,3}"), split("[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+"),
                split("[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?"
                      "[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+"),
                {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true},
                 {"use_regex", false}}}}};
}

Json added(int id, const std::string& content, bool special, bool normalized) {
  return Json{{"id", id}, {"content", content}, {"special", special}, {"normalized", normalized},
              {"lstrip", false}, {"rstrip", false}, {"single_word", false}};
}

// Ids: bytes 0-255 by value; "ab" 256, "abc" 257, "bc" 258, "aa" 259; added tokens from 300.
Json tiny_tokenizer_json(std::vector<std::string> merges = {"a b", "ab c", "b c", "a a"}) {
  Json vocab = Json::object();
  for (int b = 0; b < 256; ++b) vocab[bytes_to_byte_level(std::string(1, static_cast<char>(b)))] = b;
  vocab["ab"] = 256;
  vocab["abc"] = 257;
  vocab["bc"] = 258;
  vocab["aa"] = 259;
  return Json{{"version", "1.0"},
              {"added_tokens",
               {added(300, "<|A|>", true, false), added(301, "<|AB|>", true, false),
                added(302, "xy", false, true), added(303, "<|A|>Z", true, false)}},
              {"normalizer", nullptr},
              {"pre_tokenizer", deepseek_pre_tokenizer()},
              {"decoder", {{"type", "ByteLevel"}}},
              {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", merges}}}};
}

Tokenizer tiny(const Json& j = tiny_tokenizer_json()) {
  auto t = Tokenizer::from_json_text(j.dump(), "tiny.json");
  EXPECT_TRUE(t.ok()) << t.status().to_string();
  return std::move(t).value();
}

using Ids = std::vector<TokenId>;

TEST(ByteLevel, Gpt2Mapping) {
  EXPECT_EQ(byte_to_char(' '), 0x120u);
  EXPECT_EQ(byte_to_char('\n'), 0x10Au);
  EXPECT_EQ(byte_to_char('!'), static_cast<uint32_t>('!'));
  EXPECT_EQ(byte_to_char(0xAD), 0x143u);
  EXPECT_EQ(byte_to_char(0xFF), 0xFFu);
  std::string bytes;
  ASSERT_TRUE(byte_level_to_bytes(bytes_to_byte_level("a \n\xFF"), &bytes));
  EXPECT_EQ(bytes, "a \n\xFF");
}

TEST(Bpe, MergesByRankThenLeftmost) {
  Tokenizer t = tiny();
  EXPECT_EQ(t.encode("abc"), (Ids{257}));         // a+b (rank 0), then ab+c (rank 1)
  EXPECT_EQ(t.encode("aaa"), (Ids{259, 'a'}));    // equal ranks: the leftmost pair first
  EXPECT_EQ(t.encode("aaaa"), (Ids{259, 259}));
  Tokenizer other = tiny(tiny_tokenizer_json({"b c", "a b", "ab c", "a a"}));
  EXPECT_EQ(other.encode("abc"), (Ids{'a', 258}));  // b+c ranks first now; no "a bc" merge
}

TEST(Bpe, MergesMayBeWrittenAsPairs) {
  Json j = tiny_tokenizer_json();
  j["model"]["merges"] = Json::array({Json::array({"a", "b"}), Json::array({"ab", "c"})});
  Tokenizer t = tiny(j);
  EXPECT_EQ(t.encode("abc"), (Ids{257}));
  j["model"]["merges"] = Json::array({"a b", Json::array({"ab", "c"})});
  EXPECT_FALSE(Tokenizer::from_json_text(j.dump(), "t.json").ok());
  j["model"]["merges"] = Json::array({"a b c"});
  EXPECT_FALSE(Tokenizer::from_json_text(j.dump(), "t.json").ok());
  j = tiny_tokenizer_json();
  j["model"]["vocab"]["ab"] = "x";
  auto r = Tokenizer::from_json_text(j.dump(), "t.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("vocab id of \"ab\""), std::string::npos);
}

TEST(AddedTokens, MatchedWholeBeforeBpeLongestFirst) {
  Tokenizer t = tiny();
  EXPECT_EQ(t.encode("q<|AB|>r<|A|>"), (Ids{'q', 301, 'r', 300}));
  EXPECT_EQ(t.encode("<|A|>Z"), (Ids{303}));
  EXPECT_EQ(t.encode("<|A"), (Ids{'<', '|', 'A'}));
  EXPECT_EQ(t.encode("axyb"), (Ids{'a', 302, 'b'}));  // a normalized (non-special) token
  Encoder enc(t);
  Ids plain;
  enc.encode_plain("<|A|>", &plain);
  EXPECT_EQ(plain, (Ids{'<', '|', 'A', '|', '>'}));
  EXPECT_EQ(*t.decode(Ids{'q', 301, 257}), "q<|AB|>abc");
}

TEST(Overlay, AddsTokensAfterTheVocabularyOrAtGivenIds) {
  Tokenizer t = tiny();
  EXPECT_EQ(t.id_limit(), 304);
  auto specs = Tokenizer::parse_overlay(
      R"({"added_tokens": [{"content": "<think>"}, {"content": "</think>", "id": 500},
          {"content": "｜DSML｜"}, {"content": "ab"}]})",
      "overlay.json");
  ASSERT_TRUE(specs.ok()) << specs.status().to_string();
  ASSERT_TRUE(t.add_tokens(*specs, "overlay.json").ok());
  EXPECT_EQ(t.added_token_id("<think>"), 304);
  EXPECT_EQ(t.added_token_id("</think>"), 500);
  EXPECT_EQ(t.added_token_id("｜DSML｜"), 501);
  EXPECT_EQ(t.added_token_id("ab"), 256);  // a vocabulary string keeps its id, as in HF
  EXPECT_EQ(t.encode("x<think>y</think>"), (Ids{'x', 304, 'y', 500}));
  EXPECT_EQ(t.encode("</｜DSML｜"), (Ids{'<', '/', 501}));
  EXPECT_EQ(*t.decode(Ids{304, 501}), "<think>｜DSML｜");
  // Adding the same string again changes nothing; conflicting ids are refused.
  EXPECT_TRUE(t.add_tokens({{"<think>", std::nullopt, true, false}}, "again").ok());
  EXPECT_EQ(t.added_token_id("<think>"), 304);
  auto conflict = t.add_tokens({{"<think>", 42, true, false}}, "bad.json");
  EXPECT_FALSE(conflict.ok());
  EXPECT_NE(conflict.message().find("bad.json"), std::string::npos);
  EXPECT_FALSE(t.add_tokens({{"<new>", 300, true, false}}, "bad.json").ok());  // id taken
  EXPECT_FALSE(t.add_tokens({{"<new>", 'a', true, false}}, "bad.json").ok());  // vocab id
  EXPECT_FALSE(t.add_tokens({{"", std::nullopt, true, false}}, "bad.json").ok());
  EXPECT_FALSE(Tokenizer::parse_overlay(R"({"tokens": []})", "o.json").ok());
  EXPECT_FALSE(Tokenizer::parse_overlay(R"({"added_tokens": [{"content": "x", "id": -1}]})", "o").ok());
}

TEST(Loading, RejectsWhatItDoesNotImplementByName) {
  Json j = tiny_tokenizer_json();
  j["pre_tokenizer"]["pretokenizers"][2]["pattern"]["Regex"] = "\\s+";
  auto r = Tokenizer::from_json_text(j.dump(), "t.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("t.json: unsupported pre_tokenizer"), std::string::npos)
      << r.status().message();

  j = tiny_tokenizer_json({"a q"});
  j["model"]["vocab"].erase("aa");
  EXPECT_FALSE(Tokenizer::from_json_text(tiny_tokenizer_json({"a zz"}).dump(), "t.json").ok());

  j = tiny_tokenizer_json();
  j["added_tokens"][0]["lstrip"] = true;
  r = Tokenizer::from_json_text(j.dump(), "t.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("lstrip"), std::string::npos);

  j = tiny_tokenizer_json();
  j["model"]["byte_fallback"] = true;
  EXPECT_FALSE(Tokenizer::from_json_text(j.dump(), "t.json").ok());
  j = tiny_tokenizer_json();
  j["model"]["vocab"].erase(bytes_to_byte_level("\n"));
  EXPECT_FALSE(Tokenizer::from_json_text(j.dump(), "t.json").ok());
  EXPECT_FALSE(Tokenizer::from_json_text("{", "t.json").ok());
  EXPECT_FALSE(Tokenizer::load("/nonexistent/tokenizer.json").ok());
  auto bad_id = tiny().decode(Ids{999});
  ASSERT_FALSE(bad_id.ok());
  EXPECT_NE(bad_id.status().message().find("999"), std::string::npos);
}

TEST(StreamingDecoder, NeverEmitsHalfACharacter) {
  Tokenizer t = tiny();
  StreamingDecoder d(t);
  EXPECT_EQ(*d.feed(0xE4), "");  // "中" = E4 B8 AD, one byte per token here
  EXPECT_EQ(*d.feed(0xB8), "");
  EXPECT_EQ(d.pending_bytes(), 2u);
  EXPECT_EQ(*d.feed(0xAD), "中");
  EXPECT_EQ(*d.feed(257), "abc");
  EXPECT_EQ(*d.feed(0xFF), "\xEF\xBF\xBD");              // never valid
  EXPECT_EQ(*d.feed(0xC3), "");
  EXPECT_EQ(*d.feed('x'), "\xEF\xBF\xBDx");              // lead byte without continuation
  EXPECT_EQ(*d.feed(0xF0), "");
  EXPECT_EQ(d.finish(), "\xEF\xBF\xBD");                 // cut off at the end
  EXPECT_FALSE(d.feed(12345).ok());
}

TEST(TokenizedText, AppendAndSyncMatchAFullEncode) {
  Tokenizer t = tiny();
  TokenizedText tt(t);
  tt.append("ab ab<|AB|>abc a");
  EXPECT_EQ(tt.ids(), t.encode(tt.text()));
  size_t kept = tt.append("bc<|AB|>");  // "a"+"bc" re-tokenizes across the append
  EXPECT_EQ(tt.ids(), t.encode(tt.text()));
  EXPECT_EQ(kept, t.encode("ab ab<|AB|>").size());
  tt.append("aa");
  EXPECT_EQ(tt.ids(), t.encode(tt.text()));
  EXPECT_EQ(tt.last_encoded_bytes(), 2u);  // only the text after the last <|AB|>
  // "<|A|>" may grow into "<|A|>Z": the restart point before it is not safe.
  TokenizedText grow(t);
  grow.append("q<|A|>");
  grow.append("Z");
  EXPECT_EQ(grow.ids(), (Ids{'q', 303}));
  // sync to a text that shares a prefix: the ids after the divergence are redone.
  kept = tt.sync("ab ab<|AB|>xyz<|A|>q");
  EXPECT_EQ(tt.ids(), t.encode(tt.text()));
  EXPECT_EQ(kept, t.encode("ab ab<|AB|>").size());
  tt.sync("");
  EXPECT_TRUE(tt.ids().empty());
}

}  // namespace
}  // namespace agent::engine
