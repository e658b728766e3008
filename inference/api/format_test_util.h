// Helpers shared by the wire-format tests (test code only).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "common/fs.h"
#include "inference/api/sse_parser.h"
#include "inference/api/wire_format.h"

namespace agent::api::test {

// Collects what a decoder forwards.
struct Recorder : StreamObserver {
  std::string reasoning, text;
  std::vector<ToolCall> calls;
  void on_reasoning_delta(std::string_view d) override { reasoning += d; }
  void on_text_delta(std::string_view d) override { text += d; }
  void on_tool_call(const ToolCall& c) override { calls.push_back(c); }
};

inline std::string fixture(const std::string& name) {
  const char* src = std::getenv("AGENT_SOURCE_DIR");
  auto text = read_file(std::filesystem::path(src ? src : ".") / "tests/data/api" / name);
  EXPECT_TRUE(text.ok()) << text.status().to_string();
  return text.ok() ? *text : "";
}

// Feeds `stream` to a fresh decoder of `format` in `piece`-byte reads.
inline Status decode(WireFormat& format, std::string_view stream, size_t piece, Recorder& rec, ModelResponse& out,
                     bool* complete = nullptr) {
  auto d = format.new_decoder();
  SseParser parser;
  for (size_t i = 0; i < stream.size(); i += piece) {
    Status s = parser.feed(stream.substr(i, piece), [&](const SseEvent& e) { return d->on_event(e, rec); });
    if (!s.ok()) return s;
  }
  if (complete) *complete = d->complete();
  out = d->take_response();
  return ok_status();
}

inline std::string join(const std::vector<std::string_view>& pieces) {
  std::string s;
  for (auto p : pieces) s.append(p);
  return s;
}

inline Message assistant(std::string reasoning, std::string content, std::vector<ToolCall> calls = {}) {
  Message m;
  m.role = Role::kAssistant;
  m.reasoning = std::move(reasoning);
  m.content = std::move(content);
  m.tool_calls = std::move(calls);
  return m;
}

}  // namespace agent::api::test
