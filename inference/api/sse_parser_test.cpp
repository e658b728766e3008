#include "inference/api/sse_parser.h"

#include <gtest/gtest.h>

#include <vector>

namespace agent::api {
namespace {

std::vector<SseEvent> parse_in_pieces(std::string_view text, size_t piece, SseParser* out = nullptr) {
  SseParser p;
  std::vector<SseEvent> events;
  for (size_t i = 0; i < text.size(); i += piece) {
    Status s = p.feed(text.substr(i, piece), [&](const SseEvent& e) {
      events.push_back(e);
      return ok_status();
    });
    EXPECT_TRUE(s.ok()) << s.to_string();
  }
  if (out) *out = p;
  return events;
}

TEST(SseParserTest, SplitsAnywhereAndSkipsCommentsAndBlankLines) {
  const std::string text =
      ": keep-alive\n\n\n"
      "data: {\"a\":1}\n\n"
      ": keep-alive\r\n"
      "event: message_start\r\ndata: {\"b\":2}\r\n\r\n"
      "data: line one\ndata: line two\n\n"
      "data:no-space\rid: 7\r\r"
      "data: [DONE]\n\n";
  // Every split point, including inside "\r\n" and inside multi-byte fields.
  for (size_t piece = 1; piece <= text.size(); ++piece) {
    SCOPED_TRACE(piece);
    SseParser p;
    auto ev = parse_in_pieces(text, piece, &p);
    ASSERT_EQ(ev.size(), 5u);
    EXPECT_EQ(ev[0].data, "{\"a\":1}");
    EXPECT_EQ(ev[0].event, "");
    EXPECT_EQ(ev[1].event, "message_start");
    EXPECT_EQ(ev[1].data, "{\"b\":2}");
    EXPECT_EQ(ev[2].data, "line one\nline two");
    EXPECT_EQ(ev[3].data, "no-space");
    EXPECT_EQ(ev[3].id, "7");
    EXPECT_EQ(ev[4].data, "[DONE]");
    EXPECT_EQ(p.comments(), 2u);
    EXPECT_TRUE(p.at_boundary());
  }
}

TEST(SseParserTest, EventWithoutDataIsNotDispatchedAndEventNameResets) {
  auto ev = parse_in_pieces("event: ping\n\ndata: x\n\n", 100);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].event, "");  // "ping" belonged to the data-less event
  EXPECT_EQ(ev[0].data, "x");
}

TEST(SseParserTest, ReportsAPendingEventAtEndOfStream) {
  SseParser p;
  auto ev = parse_in_pieces("data: complete\n\ndata: cut", 4, &p);
  EXPECT_EQ(ev.size(), 1u);
  EXPECT_FALSE(p.at_boundary());
  SseParser q;
  parse_in_pieces("data: no blank line\n", 3, &q);
  EXPECT_FALSE(q.at_boundary());
}

TEST(SseParserTest, StopsAtTheHandlersError) {
  SseParser p;
  int calls = 0;
  Status s = p.feed("data: 1\n\ndata: 2\n\n", [&](const SseEvent&) {
    ++calls;
    return unavailable("stop");
  });
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(calls, 1);
}

TEST(SseParserTest, EmptyDataLineIsAnEmptyEvent) {
  auto ev = parse_in_pieces("data\n\ndata:\n\n", 1);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].data, "");
  EXPECT_EQ(ev[1].data, "");
}

}  // namespace
}  // namespace agent::api
