// The streaming output parser: text the model generates (fed in any pieces, e.g. one token's
// text at a time) -> reasoning deltas, content deltas, complete tool calls, and errors.
//
// Thinking mode: reasoning until </think>; then content until the end of sentence or a
// "<｜DSML｜tool_calls" block (the blank line before it is not content); the block is parsed
// strictly (dsml.h); after it only the end of sentence may follow. Chat mode starts in content.
// Text is held back only while it could still be the start of a marker, so deltas stream.
// Robustness: markup-like text that is not a marker stays text (a "<｜DSML｜invoke" in prose,
// a tool-call block inside the reasoning, a second </think>); a malformed or truncated block
// becomes one error event whose message can be sent back to the model; nothing throws.
// Thread-safety: one parser per generation.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/protocol.h"
#include "inference/engine/chat/dsml.h"

namespace agent::engine {

struct OutputEvent {
  enum class Kind { kReasoning, kContent, kToolCall, kError };
  Kind kind;
  std::string text;  // reasoning or content delta; error message
  ToolCall call;     // kToolCall (id empty: the caller assigns ids)
};

class OutputParser {
 public:
  explicit OutputParser(bool thinking);

  // Feeds generated text; appends the events it completes. The end-of-sentence token's text
  // may be fed (it ends the turn) or not (then call finish()).
  void feed(std::string_view text, std::vector<OutputEvent>* events);
  // The generation ended (end of sentence, stop, or length): flushes held-back text and
  // reports a turn cut short (reasoning never closed, tool-call block not finished).
  void finish(std::vector<OutputEvent>* events);

  bool saw_end_of_sentence() const { return state_ == State::kDone; }

 private:
  enum class State { kReasoning, kContent, kToolCalls, kAfterToolCalls, kDone, kIgnore };
  void step(std::vector<OutputEvent>* events);
  bool scan_text(std::vector<OutputEvent>* events);  // kReasoning / kContent
  void feed_block(std::string_view text, std::vector<OutputEvent>* events);
  void after_block(std::vector<OutputEvent>* events);
  void error(std::string message, std::vector<OutputEvent>* events);

  State state_;
  std::string buf_;  // text not yet turned into events
  DsmlBlockParser block_;
};

// The whole output at once (tests, non-streaming callers).
struct ParsedOutput {
  std::string reasoning;
  std::string content;
  std::vector<ToolCall> tool_calls;
  std::vector<std::string> errors;
  bool saw_end_of_sentence = false;
};
ParsedOutput parse_output(std::string_view text, bool thinking);

}  // namespace agent::engine
