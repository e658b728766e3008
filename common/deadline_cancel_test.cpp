// DeadlineCancel: cancelled by its parent or by its deadline, and says which.
#include "common/deadline_cancel.h"

#include <gtest/gtest.h>

namespace agent {
namespace {

using namespace std::chrono_literals;
using Clock = DeadlineCancel::Clock;

bool wait_for(const CancelToken& t, std::chrono::milliseconds limit) {
  auto until = Clock::now() + limit;
  while (!t.cancelled() && Clock::now() < until) std::this_thread::sleep_for(1ms);
  return t.cancelled();
}

TEST(DeadlineCancel, TheDeadlineCancelsAndIsReported) {
  CancelToken parent;
  DeadlineCancel d(parent, Clock::now() + 50ms);
  EXPECT_FALSE(d.token().cancelled());
  EXPECT_TRUE(wait_for(d.token(), 10s));
  EXPECT_TRUE(d.deadline_passed());
  EXPECT_FALSE(parent.cancelled()) << "the parent is never touched";
}

TEST(DeadlineCancel, TheParentCancelsBeforeTheDeadline) {
  CancelToken parent;
  DeadlineCancel d(parent, Clock::now() + 1h);
  parent.cancel();
  EXPECT_TRUE(wait_for(d.token(), 10s));
  EXPECT_FALSE(d.deadline_passed());
}

TEST(DeadlineCancel, WithoutADeadlineOnlyTheParentCancels) {
  CancelToken parent;
  {
    DeadlineCancel d(parent, Clock::time_point::max());
    std::this_thread::sleep_for(20ms);
    EXPECT_FALSE(d.token().cancelled());
  }
  DeadlineCancel d(parent, Clock::time_point::max());
  parent.cancel();
  EXPECT_TRUE(wait_for(d.token(), 10s));
  EXPECT_FALSE(d.deadline_passed());
}

TEST(DeadlineCancel, AnAlreadyCancelledParentOrPastDeadline) {
  CancelToken parent;
  DeadlineCancel past(parent, Clock::now() - 1s);
  EXPECT_TRUE(wait_for(past.token(), 10s));
  EXPECT_TRUE(past.deadline_passed());
  parent.cancel();
  DeadlineCancel d(parent, Clock::now() + 1h);
  EXPECT_TRUE(d.token().cancelled());
}

}  // namespace
}  // namespace agent
