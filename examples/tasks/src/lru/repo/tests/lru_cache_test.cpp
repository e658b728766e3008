#include "lru_cache.h"

#include <gtest/gtest.h>

#include <string>

TEST(LruCache, EvictsTheOldestEntryWhenFull) {
  LruCache<std::string, int> cache(2);
  cache.put("a", 1);
  cache.put("b", 2);
  cache.put("c", 3);
  EXPECT_FALSE(cache.contains("a"));
  EXPECT_EQ(cache.get("b"), 2);
  EXPECT_EQ(cache.get("c"), 3);
}

TEST(LruCache, PutOverwritesAndRefreshes) {
  LruCache<std::string, int> cache(2);
  cache.put("a", 1);
  cache.put("b", 2);
  cache.put("a", 10);
  cache.put("c", 3);
  EXPECT_EQ(cache.get("a"), 10);
  EXPECT_FALSE(cache.contains("b"));
}

TEST(LruCache, ZeroCapacityStoresNothing) {
  LruCache<int, int> cache(0);
  cache.put(1, 1);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.get(1), std::nullopt);
}
