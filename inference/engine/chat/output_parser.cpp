#include "inference/engine/chat/output_parser.h"

#include <algorithm>
#include <span>

#include "common/text.h"
#include "inference/engine/chat/chat_encoder.h"

namespace agent::engine {

namespace {

constexpr std::string_view kBlankToolCallsStart = "\n\n<｜DSML｜tool_calls";
// What ends each kind of text. The blank line before a tool-call block belongs to the block.
constexpr std::string_view kReasoningStops[] = {kThinkEndText, kEosText};
constexpr std::string_view kContentStops[] = {kBlankToolCallsStart, kToolCallsStart, kEosText};

// At most 80 bytes of `s` for an error message, cut at a character boundary.
std::string snippet(std::string_view s) {
  std::string out(s.substr(0, utf8_safe_prefix(s, 80)));
  return "\"" + out + (s.size() > 80 ? "...\"" : "\"");
}

// Length of the longest end of `text` that is a proper prefix of one of `stops`.
size_t held_back(std::string_view text, std::span<const std::string_view> stops) {
  size_t best = 0;
  for (std::string_view s : stops) {
    for (size_t k = std::min(s.size() - 1, text.size()); k > best; --k) {
      if (text.ends_with(s.substr(0, k))) {
        best = k;
        break;
      }
    }
  }
  return best;
}

}  // namespace

OutputParser::OutputParser(bool thinking) : state_(thinking ? State::kReasoning : State::kContent) {}

void OutputParser::error(std::string message, std::vector<OutputEvent>* events) {
  events->push_back({OutputEvent::Kind::kError, std::move(message), {}});
  state_ = State::kIgnore;
  buf_.clear();
}

bool OutputParser::scan_text(std::vector<OutputEvent>* events) {
  bool reasoning = state_ == State::kReasoning;
  auto kind = reasoning ? OutputEvent::Kind::kReasoning : OutputEvent::Kind::kContent;
  std::span<const std::string_view> stops =
      reasoning ? std::span<const std::string_view>(kReasoningStops) : std::span<const std::string_view>(kContentStops);
  size_t best = std::string::npos;
  std::string_view stop;
  for (std::string_view s : stops) {
    size_t p = buf_.find(s);
    if (p < best) {
      best = p;
      stop = s;
    }
  }
  if (best == std::string::npos) {
    size_t emit = buf_.size() - held_back(buf_, stops);
    if (emit > 0) events->push_back({kind, buf_.substr(0, emit), {}});
    buf_.erase(0, emit);
    return false;
  }
  if (best > 0) events->push_back({kind, buf_.substr(0, best), {}});
  std::string rest = buf_.substr(best + stop.size());
  buf_.clear();
  if (stop == kThinkEndText) {
    state_ = State::kContent;
    buf_ = std::move(rest);
    return true;
  }
  if (stop == kEosText) {
    if (reasoning) {
      error("the turn ended inside the reasoning: </think> never came", events);
      return false;
    }
    state_ = State::kDone;
    buf_ = std::move(rest);
    return true;
  }
  state_ = State::kToolCalls;
  feed_block(rest, events);
  return false;
}

void OutputParser::feed_block(std::string_view text, std::vector<OutputEvent>* events) {
  std::vector<ToolCall> calls;
  DsmlBlockParser::State s = block_.feed(text, &calls);
  for (ToolCall& c : calls) events->push_back({OutputEvent::Kind::kToolCall, {}, std::move(c)});
  if (s == DsmlBlockParser::State::kError) {
    error(block_.error(), events);
  } else if (s == DsmlBlockParser::State::kDone) {
    state_ = State::kAfterToolCalls;
    buf_ = block_.rest();
    after_block(events);
  }
}

void OutputParser::after_block(std::vector<OutputEvent>* events) {
  if (buf_.starts_with(kEosText)) {
    state_ = State::kDone;
    buf_.erase(0, kEosText.size());
    step(events);
  } else if (!std::string_view(kEosText).starts_with(buf_)) {
    error("unexpected text after the tool-call block: " + snippet(buf_), events);
  }
}

void OutputParser::step(std::vector<OutputEvent>* events) {
  switch (state_) {
    case State::kReasoning:
    case State::kContent:
      while ((state_ == State::kReasoning || state_ == State::kContent) && scan_text(events)) {
      }
      if (state_ == State::kDone) step(events);
      return;
    case State::kAfterToolCalls:
      after_block(events);
      return;
    case State::kDone:
      if (!buf_.empty()) error("text after the end of sentence: " + snippet(buf_), events);
      return;
    case State::kToolCalls:
    case State::kIgnore:
      return;
  }
}

void OutputParser::feed(std::string_view text, std::vector<OutputEvent>* events) {
  if (state_ == State::kToolCalls) {
    feed_block(text, events);
    return;
  }
  if (state_ == State::kIgnore) return;
  buf_.append(text);
  step(events);
}

void OutputParser::finish(std::vector<OutputEvent>* events) {
  switch (state_) {
    case State::kReasoning:
      if (!buf_.empty()) events->push_back({OutputEvent::Kind::kReasoning, buf_, {}});
      error("the turn ended inside the reasoning: </think> never came", events);
      break;
    case State::kContent:
      if (!buf_.empty()) events->push_back({OutputEvent::Kind::kContent, buf_, {}});
      break;
    case State::kToolCalls:
      error("the tool-call block was cut off before </｜DSML｜tool_calls>", events);
      break;
    case State::kAfterToolCalls:
      if (!buf_.empty()) error("unexpected text after the tool-call block: " + snippet(buf_), events);
      break;
    case State::kDone:
    case State::kIgnore:
      break;
  }
  if (state_ != State::kDone) state_ = State::kIgnore;
  buf_.clear();
}

ParsedOutput parse_output(std::string_view text, bool thinking) {
  OutputParser parser(thinking);
  std::vector<OutputEvent> events;
  parser.feed(text, &events);
  parser.finish(&events);
  ParsedOutput out;
  out.saw_end_of_sentence = parser.saw_end_of_sentence();
  for (OutputEvent& e : events) {
    switch (e.kind) {
      case OutputEvent::Kind::kReasoning: out.reasoning += e.text; break;
      case OutputEvent::Kind::kContent: out.content += e.text; break;
      case OutputEvent::Kind::kToolCall: out.tool_calls.push_back(std::move(e.call)); break;
      case OutputEvent::Kind::kError: out.errors.push_back(std::move(e.text)); break;
    }
  }
  return out;
}

}  // namespace agent::engine
