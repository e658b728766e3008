// The DeepSeek V4 chat encoding: messages -> the exact prompt text the model was trained on,
// byte for byte as the official encoding/encoding_dsv4.py renders it (checked against the
// release's golden pairs).
//
// Rules (docs/engine-tokenizer.md): BOS; system/developer content with the tools block and the
// response format; user turns as <｜User｜>; tool results merged into the user turn as
// <tool_result> blocks in the order of the calls; assistant turns as reasoning + </think> +
// content + DSML tool calls + EOS; <｜Assistant｜> with <think> or </think> after each user turn;
// earlier reasoning dropped unless tools are present or keep_reasoning is set; max effort puts a
// fixed prefix before everything.
//
// Knows nothing of token ids: special tokens are text here, and the tokenizer matches them.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "inference/engine/chat/chat_message.h"
#include "inference/engine/chat/dsml.h"

namespace agent::engine {

// off = the official "chat" mode; high = "thinking"; max = "thinking" + the max-effort prefix.
enum class ReasoningMode { kOff, kHigh, kMax };
Result<ReasoningMode> parse_reasoning_mode(std::string_view name);  // "off", "high", "max"

struct ChatEncodeOptions {
  ReasoningMode mode = ReasoningMode::kHigh;
  bool keep_reasoning = false;  // the official drop_thinking=False
  bool add_bos = true;
};

// The special-token strings of the format.
inline constexpr std::string_view kBosText = "<｜begin▁of▁sentence｜>";
inline constexpr std::string_view kEosText = "<｜end▁of▁sentence｜>";
inline constexpr std::string_view kUserText = "<｜User｜>";
inline constexpr std::string_view kAssistantText = "<｜Assistant｜>";
inline constexpr std::string_view kLatestReminderText = "<｜latest_reminder｜>";
inline constexpr std::string_view kThinkStartText = "<think>";
inline constexpr std::string_view kThinkEndText = "</think>";
inline constexpr std::string_view kDsmlText = "｜DSML｜";

// The text put first in max mode (the release's reasoning-effort-max.txt).
std::string_view max_effort_prefix();

// InvalidArgument names the message when one cannot be rendered (a developer message without
// content, a tool message where none may be).
Result<std::string> encode_chat(const std::vector<ChatMessage>& messages,
                                const ChatEncodeOptions& options);

}  // namespace agent::engine
