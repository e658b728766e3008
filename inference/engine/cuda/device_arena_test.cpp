// ArenaAllocator on plain integer addresses: alignment, first fit, coalescing, exhaustion and
// the determinism that CUDA graph updates rely on.
#include "inference/engine/cuda/device_arena.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

namespace agent::engine::cuda {
namespace {

TEST(ArenaAllocator, AlignsRoundsAndExhausts) {
  ArenaAllocator a("test", 1000, 4096, 256);  // usable: [1024, 1024 + 3840 / 256 * 256)
  EXPECT_EQ(a.capacity(), 3840u);
  const uintptr_t p = a.allocate(1);
  EXPECT_EQ(p, 1024u);
  EXPECT_EQ(a.used(), 256u);
  const uintptr_t q = a.allocate(300);  // rounds to 512
  EXPECT_EQ(q, 1280u);
  EXPECT_EQ(a.allocate(0), 1792u);  // zero bytes still get a unit
  EXPECT_EQ(a.allocate(4096), 0u);  // does not fit
  EXPECT_EQ(a.largest_free(), 3840u - 1024u);
  EXPECT_FALSE(a.release(1300));    // not an allocation: nothing changes
  EXPECT_TRUE(a.release(q));
  EXPECT_FALSE(a.release(q));       // twice
  EXPECT_EQ(a.used(), 512u);
  EXPECT_EQ(a.peak(), 1024u);
}

TEST(ArenaAllocator, CoalescesNeighboursAndReusesTheFirstFit) {
  ArenaAllocator a("test", 0, 1 << 20, 256);
  std::vector<uintptr_t> p;
  for (int i = 0; i < 8; ++i) p.push_back(a.allocate(1000));  // 1024 each
  ASSERT_TRUE(a.release(p[2]) && a.release(p[4]) && a.release(p[3]));  // 2..4 merge: 3 KiB hole
  EXPECT_EQ(a.allocate(3 * 1024), p[2]);
  ASSERT_TRUE(a.release(p[2]));
  for (uintptr_t x : {p[0], p[1], p[5], p[6], p[7]}) ASSERT_TRUE(a.release(x));
  EXPECT_EQ(a.used(), 0u);
  EXPECT_EQ(a.largest_free(), size_t(1) << 20);  // everything merged back into one range
  EXPECT_EQ(a.live_count(), 0u);
}

// The same sequence of requests gets the same addresses (decode steps recorded as graphs),
// and no two live allocations ever overlap, under a random workload.
TEST(ArenaAllocator, DeterministicAndNeverOverlapping) {
  auto run = [](uint64_t seed) {
    ArenaAllocator a("test", 4096, 64 << 20, 256);
    std::mt19937_64 g(seed);
    std::vector<std::pair<uintptr_t, size_t>> live;
    std::vector<uintptr_t> trace;
    for (int i = 0; i < 20000; ++i) {
      if (!live.empty() && g() % 3 == 0) {
        const size_t k = g() % live.size();
        EXPECT_TRUE(a.release(live[k].first));
        live.erase(live.begin() + long(k));
        continue;
      }
      const size_t bytes = g() % 200000;
      const uintptr_t p = a.allocate(bytes);
      trace.push_back(p);
      if (p == 0) continue;
      EXPECT_EQ(p % 256, 0u);
      for (const auto& [q, n] : live) EXPECT_TRUE(p + bytes <= q || q + n <= p) << "overlap";
      live.push_back({p, bytes});
    }
    return trace;
  };
  EXPECT_EQ(run(11), run(11));
}

}  // namespace
}  // namespace agent::engine::cuda
