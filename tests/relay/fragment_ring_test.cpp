// FragmentRing / ViewerCursor: GOP cache for instant join, shared buffers, skips, lag cut.
#include "hallcast/relay/fragment_ring.hpp"

#include <gtest/gtest.h>

namespace hallcast::relay {
namespace {

BufferRef buf(const std::string& s) {
  return make_text(16, s);
}

struct Feed {
  FragmentRing ring{RingLimits{1000, 5000, 100}};
  int64_t t = 0;
  std::vector<BufferRef> pushed;
  void init() { ring.set_init(buf("init"), t); }
  void frag(bool key, int64_t dt = 100) {
    t += dt;
    pushed.push_back(buf((key ? "K" : "d") + std::to_string(pushed.size())));
    ring.push(pushed.back(), key, t);
  }
};

std::vector<std::string> drain(FragmentRing& r, ViewerCursor& c, int64_t now) {
  std::vector<std::string> out;
  for (Next n = r.next(c, now); n.kind == NextKind::Send; n = r.next(c, now))
    out.emplace_back(n.buffer->view());
  return out;
}

TEST(FragmentRing, JoinerGetsInitThenTheGopFromItsKeyframe) {
  Feed f;
  f.init();
  f.frag(true);
  f.frag(false);
  f.frag(true);
  f.frag(false);
  f.frag(false);
  ViewerCursor c;
  EXPECT_EQ(drain(f.ring, c, f.t), (std::vector<std::string>{"init", "K2", "d3", "d4"}));
  EXPECT_EQ(f.ring.gop_fragments(), 3u);
  f.frag(false);
  EXPECT_EQ(drain(f.ring, c, f.t), (std::vector<std::string>{"d5"}));
  EXPECT_TRUE(f.ring.caught_up(c));
}

TEST(FragmentRing, BuffersAreSharedNotCopied) {
  Feed f;
  f.init();
  f.frag(true);
  ViewerCursor a, b;
  f.ring.next(a, f.t);
  f.ring.next(b, f.t);
  Next na = f.ring.next(a, f.t), nb = f.ring.next(b, f.t);
  EXPECT_EQ(na.buffer.get(), nb.buffer.get());
  EXPECT_EQ(na.buffer.get(), f.pushed[0].get());
}

TEST(FragmentRing, FragmentsBeforeTheFirstKeyframeAreDropped) {
  Feed f;
  EXPECT_FALSE(f.ring.push(buf("x"), true, 0)) << "nothing before an init segment";
  f.init();
  EXPECT_FALSE(f.ring.push(buf("d"), false, 1));
  EXPECT_TRUE(f.ring.push(buf("K"), true, 2));
}

TEST(FragmentRing, SlowViewerSkipsToTheNewestKeyframe) {
  Feed f;
  f.init();
  ViewerCursor c;
  f.frag(true);
  EXPECT_EQ(drain(f.ring, c, f.t).size(), 2u);
  for (int i = 0; i < 14; ++i) f.frag(i % 5 == 4);  // keyframes at 5, 10
  // The viewer wakes up 1.5 s behind: it skips to K10, never a delta frame after a gap.
  auto got = drain(f.ring, c, f.t);
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.front(), "K10");
  EXPECT_EQ(c.skips, 1u);
  EXPECT_EQ(c.skipped_fragments, 9u);
  EXPECT_TRUE(f.ring.caught_up(c));
  EXPECT_EQ(c.behind_since_ms, -1) << "caught up again";
}

TEST(FragmentRing, ViewerBehindPastTheLagLimitIsCut) {
  Feed f;
  f.init();
  ViewerCursor c;
  f.frag(true);
  drain(f.ring, c, f.t);
  f.frag(false);
  // Never writeable: only the lag check runs.
  for (int i = 0; i < 100; ++i) {
    f.frag(i % 10 == 9);
    if (f.ring.lagging_out(c, f.t)) {
      EXPECT_GT(f.t, 1000 + 5000) << "behind (past the backlog) for over the lag limit";
      return;
    }
  }
  FAIL() << "a viewer behind for over lag_disconnect_ms must be cut";
}

TEST(FragmentRing, NewInitRestartsEveryViewer) {
  Feed f;
  f.init();
  f.frag(true);
  ViewerCursor c;
  drain(f.ring, c, f.t);
  f.ring.clear();
  EXPECT_FALSE(f.ring.live());
  EXPECT_EQ(f.ring.next(c, f.t).kind, NextKind::Nothing);
  f.ring.set_init(buf("init2"), f.t);
  f.frag(true);
  EXPECT_EQ(drain(f.ring, c, f.t), (std::vector<std::string>{"init2", "K1"}));
}

TEST(FragmentRing, RingIsBoundedInTimeAndCount) {
  Feed f;
  f.init();
  for (int i = 0; i < 50; ++i) f.frag(i % 5 == 0);
  EXPECT_LE(f.ring.size(), 16u) << "only the backlog window plus the current GOP";
  Feed g;
  g.init();
  g.frag(true);
  for (int i = 0; i < 150; ++i) g.frag(false, 1);  // one endless GOP
  EXPECT_LE(g.ring.size(), 100u);
}

}  // namespace
}  // namespace hallcast::relay
