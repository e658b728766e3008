#include "common/event.h"

#include <gtest/gtest.h>

namespace agent {
namespace {

TEST(Event, LineHasTypeFirstAndRoundTrips) {
  Event e(event_type::kToolStarted, Json{{"call_id", "c1"}, {"turn", 3}});
  std::string line = e.to_line();
  EXPECT_EQ(line.rfind(R"({"type":"tool_started",)", 0), 0u);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto back = event_from_line(line, "journal line 1");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->type, "tool_started");
  EXPECT_EQ(back->data.at("turn"), 3);
}

TEST(Event, EmptyDataAndBadLines) {
  EXPECT_EQ(Event("x", Json::object()).to_line(), R"({"type":"x"})");
  EXPECT_FALSE(event_from_line("{\"type\":\"x\"", "l").ok());   // truncated
  EXPECT_FALSE(event_from_line("[1]", "l").ok());
  EXPECT_FALSE(event_from_line("{\"a\":1}", "l").ok());
}

TEST(Event, InvalidUtf8IsReplacedNotThrown) {
  Event e("x", Json{{"s", std::string("a\xFF")}});
  EXPECT_NE(e.to_line().find("\xEF\xBF\xBD"), std::string::npos);
}

}  // namespace
}  // namespace agent
