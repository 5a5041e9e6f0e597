// FragmentRing::only_newest_pending: when the hub may write a new fragment to a viewer at once
// (the live edge) instead of waiting for the socket's WRITEABLE callback.
#include <gtest/gtest.h>

#include "hallcast/relay/fragment_ring.hpp"

namespace hallcast::relay {
namespace {

BufferRef fragment(const std::string& s) {
  return make_binary(16, std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
}

struct LiveEdge : ::testing::Test {
  FragmentRing ring{RingLimits{1000, 5000, 100}};
  int64_t t = 0;
  void push(bool key) {
    t += 33;
    ring.push(fragment(key ? "K" : "d"), key, t);
  }
  void send_all(ViewerCursor& c) {
    while (ring.next(c, t).kind == NextKind::Send) {
    }
  }
};

TEST_F(LiveEdge, ACaughtUpViewerLacksOnlyTheNewestFragment) {
  ring.set_init(fragment("init"), t);
  push(true);
  ViewerCursor c;
  send_all(c);  // init + keyframe
  EXPECT_FALSE(ring.only_newest_pending(c)) << "nothing is pending";
  push(false);
  EXPECT_TRUE(ring.only_newest_pending(c));
  Next n = ring.next(c, t);
  ASSERT_EQ(n.kind, NextKind::Send);
  EXPECT_EQ(n.buffer->view(), "d");
  EXPECT_FALSE(ring.only_newest_pending(c));
}

TEST_F(LiveEdge, AViewerTwoBehindOrNotJoinedWaitsForWriteable) {
  ring.set_init(fragment("init"), t);
  push(true);
  ViewerCursor joiner;  // has not had the init yet
  EXPECT_FALSE(ring.only_newest_pending(joiner));
  ViewerCursor c;
  send_all(c);
  push(false);
  push(false);
  EXPECT_FALSE(ring.only_newest_pending(c)) << "two pending: the WRITEABLE path sends both";
}

TEST_F(LiveEdge, AViewerBehindSinceASkipIsNotAtTheLiveEdgeUntilItCatchesUp) {
  ring.set_init(fragment("init"), t);
  push(true);
  ViewerCursor c;
  send_all(c);
  for (int i = 0; i < 40; ++i) push(i == 30);  // falls > 1 s behind; keyframe at 30
  Next n = ring.next(c, t);                    // skips to that keyframe
  ASSERT_EQ(n.kind, NextKind::Send);
  EXPECT_EQ(n.buffer->view(), "K");
  for (int i = 31; i < 39; ++i) ASSERT_EQ(ring.next(c, t).kind, NextKind::Send);
  EXPECT_FALSE(ring.only_newest_pending(c)) << "one left, but behind since the skip";
  send_all(c);  // caught up: no longer behind
  push(false);
  EXPECT_TRUE(ring.only_newest_pending(c));
}

TEST_F(LiveEdge, ANewInitIsNeverWrittenAtOnce) {
  ring.set_init(fragment("init"), t);
  push(true);
  ViewerCursor c;
  send_all(c);
  ring.set_init(fragment("init2"), t);  // publisher restarted
  push(true);
  EXPECT_FALSE(ring.only_newest_pending(c));
}

}  // namespace
}  // namespace hallcast::relay
