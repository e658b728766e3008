// DSML, the markup DeepSeek V4 writes tool calls in, both ways:
//
//   \n\n<｜DSML｜tool_calls>
//   <｜DSML｜invoke name="NAME">
//   <｜DSML｜parameter name="KEY" string="true|false">VALUE</｜DSML｜parameter>
//   </｜DSML｜invoke>
//   </｜DSML｜tool_calls>
//
// string="true": VALUE is the raw string; string="false": VALUE is JSON text. Parsing is as
// strict as the official parser (same separators, no duplicate parameter), incremental (text
// may arrive a token at a time; each invoke is reported as soon as it closes), and reports a
// malformed or truncated block as an error message meant to be shown to the model; it never
// throws or waits forever on text that can no longer match.
// Thread-safety: one parser per stream.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/protocol.h"
#include "inference/engine/chat/chat_message.h"

namespace agent::engine {

inline constexpr std::string_view kToolCallsStart = "<｜DSML｜tool_calls";
inline constexpr std::string_view kToolCallsEnd = "</｜DSML｜tool_calls>";

// The block for one assistant turn's calls, with its leading blank line, as the official encoder
// writes it. Arguments that are not a JSON object become one string parameter "arguments" (the
// official encoder does so for text it cannot parse).
std::string render_dsml_tool_calls(const std::vector<ChatToolCall>& calls);

// Parses the text that follows "<｜DSML｜tool_calls" up to and including its end tag.
class DsmlBlockParser {
 public:
  enum class State { kMore, kDone, kError };

  // Feeds more text; appends each call whose invoke closed (id left empty, arguments as the
  // official decoder builds them: {"KEY": VALUE, ...} with string values JSON-quoted).
  State feed(std::string_view text, std::vector<ToolCall>* calls);
  State state() const { return state_; }
  // kDone: the text fed after the end tag. kError: what went wrong.
  const std::string& rest() const { return rest_; }
  const std::string& error() const { return error_; }
  // Everything fed so far (for error reports).
  const std::string& text() const { return buf_; }

 private:
  enum class Stage { kSeparator, kInvokeHeader, kParameter, kParameterEnd };
  struct Param {
    std::string name;
    std::string value;
    bool is_string;
  };

  bool step(std::vector<ToolCall>* calls);  // false when more text is needed
  bool fail(std::string message);
  // The earliest of `stops` at or after pos_: its offset and index, or npos.
  size_t find_stop(std::initializer_list<std::string_view> stops, size_t* which);
  bool separator(std::initializer_list<std::string_view> stops, size_t* which);
  bool invoke_header();
  bool parameter();
  void close_invoke(std::vector<ToolCall>* calls);

  std::string buf_;
  size_t pos_ = 0;
  size_t scan_from_ = 0;  // where the next stop search may start (avoids rescanning long values)
  Stage stage_ = Stage::kSeparator;
  State state_ = State::kMore;
  std::string name_;
  std::vector<Param> params_;
  std::string rest_;
  std::string error_;
};

}  // namespace agent::engine
