// FanoutTimer: one observation per fragment that reached a viewer, taken when its last target
// (a viewer up to date when it arrived) got it or went away; the median target's time beside it.
#include <gtest/gtest.h>

#include "hallcast/relay/fanout_timer.hpp"

namespace hallcast::relay {
namespace {

constexpr int64_t kMs = 1'000'000;  // ns

TEST(FanoutTimer, LastAndMedianTargetTimesFromArrival) {
  FanoutTimer t;
  t.begin(7, 100 * kMs);
  for (int i = 0; i < 3; ++i) t.target(7);
  t.handed(7, 101 * kMs);  // two written at once, while walking the viewers
  t.handed(7, 102 * kMs);
  t.targets_known(7);
  EXPECT_EQ(t.last().count(), 0u) << "one target is still waiting";
  t.handed(7, 105 * kMs);  // the third from its WRITEABLE callback
  ASSERT_EQ(t.last().count(), 1u);
  EXPECT_NEAR(t.last().sum(), 0.005, 1e-9);
  ASSERT_EQ(t.median().count(), 1u);
  EXPECT_NEAR(t.median().sum(), 0.002, 1e-9) << "the 2nd of 3 targets";
  EXPECT_EQ(t.open(), 0u);
}

TEST(FanoutTimer, MedianTakenAfterTheWalkWhenFewWereWrittenAtOnce) {
  FanoutTimer t;
  t.begin(1, 0);
  for (int i = 0; i < 4; ++i) t.target(1);
  t.handed(1, 1 * kMs);
  t.targets_known(1);
  t.handed(1, 3 * kMs);  // the 2nd of 4: the median
  t.handed(1, 4 * kMs);
  t.handed(1, 9 * kMs);
  EXPECT_NEAR(t.median().sum(), 0.003, 1e-9);
  EXPECT_NEAR(t.last().sum(), 0.009, 1e-9);
}

TEST(FanoutTimer, ATargetThatLeavesOrSkipsStopsCounting) {
  FanoutTimer t;
  t.begin(3, 0);
  t.target(3);
  t.target(3);
  t.targets_known(3);
  t.handed(3, 2 * kMs);
  EXPECT_EQ(t.open(), 1u);
  t.dropped(3);
  EXPECT_EQ(t.open(), 0u);
  ASSERT_EQ(t.last().count(), 1u);
  EXPECT_NEAR(t.last().sum(), 0.002, 1e-9) << "the last viewer that did get it";
}

TEST(FanoutTimer, FragmentsNobodyGotAreNotObserved) {
  FanoutTimer t;
  t.begin(1, 0);
  t.targets_known(1);  // no viewer up to date
  t.begin(2, 0);
  t.target(2);
  t.targets_known(2);
  t.dropped(2);
  EXPECT_EQ(t.open(), 0u);
  EXPECT_EQ(t.last().count(), 0u);
  EXPECT_EQ(t.median().count(), 0u);
}

TEST(FanoutTimer, OpenRecordsAreBoundedAndResetForgetsThem) {
  FanoutTimer t;
  for (uint64_t seq = 1; seq <= FanoutTimer::kMaxOpen + 5; ++seq) {
    t.begin(seq, 0);
    t.target(seq);
    t.targets_known(seq);
    t.handed(seq, 0);
    t.target(seq);  // ignored once the targets are known
  }
  EXPECT_EQ(t.open(), 0u) << "one target each, all handed";
  for (uint64_t seq = 1000; seq < 1000 + FanoutTimer::kMaxOpen + 5; ++seq) {
    t.begin(seq, 0);
    t.target(seq);
    t.targets_known(seq);  // a viewer that never becomes writeable
  }
  EXPECT_EQ(t.open(), FanoutTimer::kMaxOpen);
  t.reset();
  EXPECT_EQ(t.open(), 0u);
  t.handed(1100, kMs);  // a stale handoff after a new init segment
  EXPECT_EQ(t.last().count(), FanoutTimer::kMaxOpen + 5);
}

TEST(FanoutHistogram, CumulativeBucketsAroundTheTarget) {
  FanoutHistogram h;
  h.observe(0.0149);
  h.observe(0.016);
  size_t i15 = 0;
  while (FanoutHistogram::kBounds[i15] != 0.015) ++i15;
  EXPECT_EQ(h.bucket(i15), 1u);
  EXPECT_EQ(h.bucket(i15 + 1), 2u);
  EXPECT_EQ(h.bucket(FanoutHistogram::kBounds.size() - 1), 2u);
  EXPECT_EQ(h.count(), 2u);
}

}  // namespace
}  // namespace hallcast::relay
