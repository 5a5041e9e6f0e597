// TimeMap: where a source's frames land on the program's clock. A frame due later than it
// arrives is latency the program carries for the whole run; one due earlier is late.
#include <gtest/gtest.h>

#include "hallcast/streamer/time_map.hpp"

namespace hallcast::streamer {
namespace {

constexpr GstClockTime kMs = GST_MSECOND;
constexpr GstClockTime kFrame = GST_SECOND / 30;

// How long after its arrival a frame is due (> 0: waits; the program's added delay).
GstClockTimeDiff wait_of(TimeMap& m, GstClockTime running, GstClockTime now) {
  auto out = m.map(running, now, true);
  EXPECT_TRUE(out.has_value());
  return static_cast<GstClockTimeDiff>(*out) - static_cast<GstClockTimeDiff>(now);
}

// A source whose frames are captured at 30 fps from source running time 5 s; frame i reaches
// the map at program time 10 s + i frames + delay(i).
template <typename Delay>
std::vector<GstClockTimeDiff> run(TimeMap& m, int frames, Delay delay) {
  std::vector<GstClockTimeDiff> waits;
  for (int i = 0; i < frames; ++i)
    waits.push_back(
        wait_of(m, 5 * GST_SECOND + i * kFrame, 10 * GST_SECOND + i * kFrame + delay(i)));
  return waits;
}

TEST(TimeMap, FramesOnTimeAreDueWhenTheyArrive) {
  TimeMap m(30);
  auto waits = run(m, 90, [](int) { return GstClockTime{0}; });
  for (auto w : waits) {
    EXPECT_LE(w, 0);
    EXPECT_GT(w, -static_cast<GstClockTimeDiff>(kFrame));
  }
  EXPECT_EQ(m.anchors(), 1u);
  EXPECT_FALSE(m.take_settle_shift(20 * GST_SECOND).has_value());
}

TEST(TimeMap, AnAnchorFrameThatArrivedLateDoesNotDelayTheRestOfTheRun) {
  // A busy start: the first six frames reach us together 170 ms after the first was captured,
  // the rest on time. Anchored on the first, every later frame would wait 170 ms in front of
  // the compositor for the whole run.
  TimeMap m(30);
  auto waits = run(m, 120, [](int i) {
    GstClockTime late = 170 * kMs, done = GstClockTime(i) * kFrame;
    return late > done ? late - done : GstClockTime{0};
  });
  for (size_t i = 6; i < waits.size(); ++i) EXPECT_LE(waits[i], 0) << "frame " << i;
  EXPECT_GE(m.anchors(), 2u);
  EXPECT_LE(m.anchors(), 6u);  // once per frame of the burst at most, never after it
  // Reported once, after the settling: about the 170 ms the first frame was late.
  auto shift = m.take_settle_shift(10 * GST_SECOND + 200 * kFrame);
  ASSERT_TRUE(shift.has_value());
  EXPECT_NEAR(static_cast<double>(*shift) / kMs, 167.0, 34.0);
  EXPECT_FALSE(m.take_settle_shift(10 * GST_SECOND + 201 * kFrame).has_value());
}

TEST(TimeMap, JitterWithinAFrameKeepsTheAnchor) {
  TimeMap m(30);
  auto waits = run(m, 150, [](int i) { return GstClockTime((i * 7919) % 30) * kMs; });
  EXPECT_EQ(m.anchors(), 1u);
  for (auto w : waits) EXPECT_LT(w, static_cast<GstClockTimeDiff>(kFrame)) << w;
}

TEST(TimeMap, AfterSettlingOnlyABigDriftReanchors) {
  TimeMap m(30);
  run(m, 90, [](int) { return GstClockTime{0}; });  // 3 s: settled
  // A burst delivered 100 ms early (the source's clock ran ahead): kept, not re-anchored ...
  EXPECT_GT(wait_of(m, 5 * GST_SECOND + 90 * kFrame, 10 * GST_SECOND + 90 * kFrame - 100 * kMs), 0);
  EXPECT_EQ(m.anchors(), 1u);
  // ... but 300 ms (past the resync threshold) is.
  EXPECT_LE(wait_of(m, 5 * GST_SECOND + 91 * kFrame, 10 * GST_SECOND + 91 * kFrame - 300 * kMs), 0);
  EXPECT_EQ(m.anchors(), 2u);
}

TEST(TimeMap, AudioWaitsForTheVideoAnchorThenSharesIt) {
  TimeMap m(30);
  EXPECT_FALSE(m.map(5 * GST_SECOND, 10 * GST_SECOND, false).has_value());
  auto v = m.map(5 * GST_SECOND, 10 * GST_SECOND, true);
  auto a = m.map(5 * GST_SECOND + 20 * kMs, 10 * GST_SECOND + 25 * kMs, false);
  ASSERT_TRUE(v && a);
  EXPECT_EQ(*a - *v, 20 * kMs);  // the same offset: lip sync kept
  m.reset();
  EXPECT_FALSE(m.mapped());
}

}  // namespace
}  // namespace hallcast::streamer
