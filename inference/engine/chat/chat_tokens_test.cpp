// The chat encoder with the tokenizer, as the engine backend uses them: each request's prompt is
// rendered whole and synced into a TokenizedText, which re-encodes only the new turn. Needs the
// npm vocabulary (scripts/setup-test-deps.sh) with the V4 overlay.
#include <gtest/gtest.h>

#include <algorithm>

#include "common/fs.h"
#include "inference/engine/chat/chat_encoder.h"
#include "inference/engine/tokenizer/testing/reference_runner.h"
#include "inference/engine/tokenizer/tokenized_text.h"

namespace agent::engine {
namespace {

TEST(ChatTokens, GrowingConversationReencodesOnlyTheNewTurn) {
  auto root = testing::source_dir();
  auto tok = testing::load_reference_vocabulary(root);
  ASSERT_TRUE(tok.ok()) << tok.status().to_string();
  auto text = read_file(root / "tests/data/deepseek-v4-flash/encoding-tests/test_input_1.json");
  ASSERT_TRUE(text.ok());
  auto messages = chat_messages_from_json(*parse_ordered_json(*text, "case 1"), "case 1");
  ASSERT_TRUE(messages.ok());

  TokenizedText tt(*tok);
  std::string previous;
  size_t previous_ids = 0;
  for (size_t k = 2; k <= messages->size(); ++k) {
    std::vector<ChatMessage> head(messages->begin(), messages->begin() + static_cast<long>(k));
    auto prompt = encode_chat(head, {});
    ASSERT_TRUE(prompt.ok());
    size_t kept = tt.sync(*prompt);
    ASSERT_EQ(tt.ids(), tok->encode(*prompt)) << "request " << k;
    if (prompt->starts_with(previous)) {
      EXPECT_EQ(kept, previous_ids) << "request " << k << " should keep every earlier id";
      EXPECT_EQ(tt.last_encoded_bytes(), prompt->size() - previous.size());
    }
    previous = *prompt;
    previous_ids = tt.ids().size();
  }
  // Every special-token string of the format became its one id.
  const std::vector<TokenId>& ids = tt.ids();
  for (std::string_view s : {kBosText, kUserText, kAssistantText, kThinkStartText, kThinkEndText,
                             kEosText, kDsmlText}) {
    auto id = tok->added_token_id(s);
    ASSERT_TRUE(id.has_value()) << s;
    size_t in_text = 0;
    for (size_t p = previous.find(s); p != std::string::npos; p = previous.find(s, p + 1)) ++in_text;
    EXPECT_EQ(static_cast<size_t>(std::count(ids.begin(), ids.end(), *id)), in_text) << s;
    EXPECT_GT(in_text, 0u) << s;
  }
}

}  // namespace
}  // namespace agent::engine
