#include "tasks/config/price_table.h"

#include <gtest/gtest.h>

namespace agent::cli {
namespace {

using Clock = std::chrono::system_clock;
// 2026-09-28 00:00 UTC, a Monday.
const Clock::time_point kMonday = Clock::from_time_t(1790553600);
Clock::time_point utc(Clock::time_point day, int hour, int minute = 0) {
  return day + std::chrono::hours(hour) + std::chrono::minutes(minute);
}

TEST(PriceTableTest, ShippedTableParsesAndHasTheDeepSeekModels) {
  auto t = PriceTable::parse(PriceTable::shipped_text(), "config/prices.toml");
  ASSERT_TRUE(t.ok()) << t.status().to_string();
  EXPECT_EQ(t->checked(), "2026-09-28");
  for (const char* m : {"deepseek-v4-pro", "deepseek-flash", "deepseek-v4-flash"}) {
    ASSERT_NE(t->find(m), nullptr) << m;
    EXPECT_GT(t->find(m)->output, 0) << m;
    EXPECT_TRUE(PriceTable::shipped().find(m)->shipped);
  }
  EXPECT_EQ(t->find("deepseek-chat"), nullptr);
}

TEST(PriceTableTest, CostOfAUsageOffPeakAndPeak) {
  const PriceTable& t = PriceTable::shipped();
  Usage u{1'000'000, 800'000, 100'000, 60'000};
  // 0.8M hits * 0.022 + 0.2M misses * 0.66 + 0.1M output * 1.98
  auto off = t.cost(u, "deepseek-v4-pro", utc(kMonday, 5));
  ASSERT_TRUE(off);
  EXPECT_NEAR(*off, 0.0176 + 0.132 + 0.198, 1e-12);
  auto peak = t.cost(u, "deepseek-v4-pro", utc(kMonday, 2));
  EXPECT_NEAR(*peak, 2 * *off, 1e-12);
  EXPECT_FALSE(t.cost(u, "my-own-model", utc(kMonday, 2)));
}

TEST(PriceTableTest, PeakWindowsAreBeijingWeekdays) {
  const PriceTable& t = PriceTable::shipped();
  EXPECT_TRUE(t.is_peak(utc(kMonday, 1)));       // 09:00 Beijing: the window opens
  EXPECT_TRUE(t.is_peak(utc(kMonday, 3, 59)));
  EXPECT_FALSE(t.is_peak(utc(kMonday, 4)));      // 12:00 Beijing: closed
  EXPECT_FALSE(t.is_peak(utc(kMonday, 5)));
  EXPECT_TRUE(t.is_peak(utc(kMonday, 6)));       // 14:00 Beijing
  EXPECT_TRUE(t.is_peak(utc(kMonday, 9, 30)));
  EXPECT_FALSE(t.is_peak(utc(kMonday, 10)));     // 18:00 Beijing
  EXPECT_FALSE(t.is_peak(utc(kMonday, -6)));     // Sunday 18:00 UTC = Monday 02:00 Beijing
  auto saturday = kMonday - std::chrono::hours(48);
  EXPECT_FALSE(t.is_peak(utc(saturday, 2)));     // Beijing Saturday
  auto friday = kMonday - std::chrono::hours(72);
  EXPECT_TRUE(t.is_peak(utc(friday, 7)));        // Friday 15:00 Beijing
  EXPECT_FALSE(t.is_peak(utc(friday, 23)));      // Saturday 07:00 Beijing
}

TEST(PriceTableTest, OverridesMergeByModel) {
  PriceTable t = PriceTable::shipped();
  auto over = PriceTable::parse(R"(
checked = 2026-11-01
[models.deepseek-v4-pro]
cache_hit = 0.01
cache_miss = 0.5
output = 1.5
[models."Qwen/Qwen3-Coder"]
cache_hit = 0
cache_miss = 0.1
output = 0.2
peak = false
)", "user prices");
  ASSERT_TRUE(over.ok()) << over.status().to_string();
  t.merge(*over);
  EXPECT_EQ(t.checked(), "2026-11-01");
  EXPECT_DOUBLE_EQ(t.find("deepseek-v4-pro")->output, 1.5);
  EXPECT_FALSE(t.find("deepseek-v4-pro")->shipped);
  EXPECT_NE(t.find("deepseek-flash"), nullptr);
  Usage u{1'000'000, 0, 1'000'000, 0};
  EXPECT_NEAR(*t.cost(u, "Qwen/Qwen3-Coder", utc(kMonday, 2)), 0.3, 1e-12) << "peak = false";
}

TEST(PriceTableTest, BadTablesNameTheFileKeyAndLine) {
  struct Case {
    const char* text;
    const char* expect;
  };
  for (const auto& c : {Case{"[models.m]\ncache_hit = 1\ncache_miss = -2\noutput = 1\n", "prices.toml:3: models.m.cache_miss"},
                        Case{"[models.m]\ncache_hit = 1\ncache_miss = 2\n", "models.m has no output"},
                        Case{"[models.m]\ncache_hit = 1\ncache_miss = 2\noutput = \"cheap\"\n", "models.m.output"},
                        Case{"[models.m]\ncache_hit = 1\ncache_miss = 2\noutput = 3\nbogus = 1\n", "bogus: unknown key"},
                        Case{"[peak]\nwindows = [\"18:00-09:00\"]\n", "ends before it starts"},
                        Case{"[peak]\ndays = [\"someday\"]\n", "not a day"},
                        Case{"[peak]\nwindows = [\"9am-5pm\"]\n", "not a time"},
                        Case{"currency = \"EUR\"\n", "currency: unknown key"},
                        Case{"[models.m\n", "prices.toml:1"}}) {
    auto t = PriceTable::parse(c.text, "prices.toml");
    ASSERT_FALSE(t.ok()) << c.text;
    EXPECT_NE(t.status().message().find(c.expect), std::string::npos) << t.status().message();
  }
}

}  // namespace
}  // namespace agent::cli
