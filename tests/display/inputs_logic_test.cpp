// Pure pieces behind the inputs: back-off, the relay media cache and the playout clock.
#include <gtest/gtest.h>

#include "hallcast/display/backoff.hpp"
#include "hallcast/display/media_cache.hpp"
#include "hallcast/display/overlays.hpp"
#include "hallcast/display/playout_clock.hpp"

namespace hallcast::display {
namespace {

TEST(Backoff, DoublesUpToTheMaximumAndResets) {
  Backoff b(500, 4000);
  EXPECT_EQ(b.next_ms(), 500);
  EXPECT_EQ(b.next_ms(), 1000);
  EXPECT_EQ(b.next_ms(), 2000);
  EXPECT_EQ(b.next_ms(), 4000);
  EXPECT_EQ(b.next_ms(), 4000);
  for (int i = 0; i < 100; ++i) b.next_ms();  // forever, no overflow
  EXPECT_EQ(b.next_ms(), 4000);
  b.reset();
  EXPECT_EQ(b.next_ms(), 500);
}

std::vector<uint8_t> frame(media::FrameKind kind, bool key, size_t payload, uint8_t fill) {
  media::FrameHeader h;
  h.kind = kind;
  h.keyframe = key;
  std::vector<uint8_t> p(payload, fill);
  return media::encode_frame(h, p);
}

TEST(MediaCache, KeepsInitAndTheFragmentsSinceTheLastKeyframe) {
  MediaCache c(1000);
  using K = media::FrameKind;
  EXPECT_EQ(c.add(frame(K::Fragment, true, 10, 1)), MediaCache::Added::Dropped);  // no init yet
  EXPECT_EQ(c.add(frame(K::Init, false, 50, 9)), MediaCache::Added::Init);
  EXPECT_EQ(c.add(frame(K::Fragment, false, 10, 2)), MediaCache::Added::Dropped);  // no keyframe
  EXPECT_EQ(c.add(frame(K::Fragment, true, 10, 3)), MediaCache::Added::Keyframe);
  EXPECT_EQ(c.add(frame(K::Fragment, false, 10, 4)), MediaCache::Added::Fragment);
  EXPECT_TRUE(c.ready());
  EXPECT_EQ(c.gop().size(), 2u);
  EXPECT_EQ(c.add(frame(K::Fragment, true, 10, 5)), MediaCache::Added::Keyframe);
  ASSERT_EQ(c.gop().size(), 1u);
  EXPECT_EQ(c.gop()[0][0], 5);
  EXPECT_EQ(c.init().size(), 50u);
  auto gen = c.init_generation();
  c.add(frame(K::Init, false, 40, 8));
  EXPECT_NE(c.init_generation(), gen);
  EXPECT_FALSE(c.ready());  // a new init waits for its keyframe
}

TEST(MediaCache, StaysWithinItsBound) {
  MediaCache c(200);
  using K = media::FrameKind;
  c.add(frame(K::Init, false, 50, 0));
  c.add(frame(K::Fragment, true, 100, 1));
  EXPECT_EQ(c.add(frame(K::Fragment, false, 100, 2)), MediaCache::Added::Dropped);
  EXPECT_EQ(c.gop().size(), 1u);
  EXPECT_EQ(c.add(frame(K::Init, false, 10, 0)), MediaCache::Added::Init);
  EXPECT_EQ(c.add(frame(K::Fragment, false, 1, 0)), MediaCache::Added::Dropped);
  EXPECT_EQ(c.add({}), MediaCache::Added::Dropped);  // garbage
}

constexpr int64_t kMsNs = 1000000;

TEST(PlayoutClock, PlaysAtAFixedDelayAndCatchesUpWhenFarBehindOrAhead) {
  PlayoutClock p(150 * kMsNs, 800 * kMsNs);
  // First frame (media time 10 s) arrives at local 2 s: scheduled at 2.15 s.
  int64_t off = p.offset_for(10000 * kMsNs, 2000 * kMsNs);
  EXPECT_EQ(10000 * kMsNs + off, 2150 * kMsNs);
  // A burst arriving a little early or late keeps the schedule (smooth).
  EXPECT_EQ(p.offset_for(10100 * kMsNs, 2000 * kMsNs), off);
  EXPECT_EQ(p.offset_for(10200 * kMsNs, 2700 * kMsNs), off);
  EXPECT_EQ(p.resyncs(), 0);
  // Input 2 s late: re-anchor instead of playing 2 s behind forever.
  int64_t late = p.offset_for(10300 * kMsNs, 4500 * kMsNs);
  EXPECT_EQ(10300 * kMsNs + late, 4650 * kMsNs);
  // A backlog arriving far ahead of its schedule: re-anchor to now + delay.
  int64_t early = p.offset_for(20000 * kMsNs, 4600 * kMsNs);
  EXPECT_EQ(20000 * kMsNs + early, 4750 * kMsNs);
  EXPECT_EQ(p.resyncs(), 2);
}

TEST(OverlayGeometry, CaptionsFitTheSafeArea) {
  auto g = make_geometry(1920, 1080, 1.0, 0.05);
  EXPECT_EQ(g.margin_x, 96);
  EXPECT_EQ(g.margin_y, 54);
  // Two lines of caption_cols average glyphs fit inside the safe area.
  EXPECT_LE(g.caption_cols * g.caption_px * 0.56, 1920 - 2 * 96);
  EXPECT_GE(g.caption_cols, 30);
  auto big = make_geometry(1920, 1080, 2.0, 0.05);
  EXPECT_LT(big.caption_cols, g.caption_cols);
  EXPECT_GT(big.caption_px, g.caption_px);
}

}  // namespace
}  // namespace hallcast::display
