// Never black: a source that goes silent holds its last frame, then the slate replaces it (no
// black frame, not frozen forever), and it returns by itself when steady again; a source that
// fails at start never stops the program.
#include <gtest/gtest.h>

#include "streamer_fixture.hpp"

namespace hallcast::streamer::testing {
namespace {

config::Config fast_watchdog(config::Config c) {
  c.watchdog.timeout_ms = 500;  // short, yet above scheduling hiccups on a loaded 2-core CI box
  c.watchdog.steady_ms = 300;
  c.watchdog.retry_initial_ms = 200;
  c.watchdog.retry_max_ms = 400;
  c.slate.hold_ms = 300;
  return c;
}

TEST(StreamerNeverBlack, SilentSourceIsReplacedByTheSlateAndComesBack) {
  Harness h(fast_watchdog(small_config({{"cam-1", "red"}, {"cam-2", "green"}})));
  h.start(20);
  ASSERT_TRUE(run_until([&] { return h.health("cam-1") == "ok"; }, 5s));
  size_t froze_at = h.media.count();
  h.streamer->set_source_frozen("cam-1", true);
  ASSERT_TRUE(run_until([&] { return h.health("cam-1") != "ok"; }, 2s))
      << "the watchdog notices within its timeout";
  ASSERT_TRUE(run_until([&] { return !h.states.empty() && h.states.back()["slate"] == true; }, 2s));
  EXPECT_EQ(h.states.back()["slate_reason"], "source_lost");
  size_t slate_from = h.media.count();
  ASSERT_TRUE(run_until([&] { return h.media.count() >= slate_from + 15; }, 5s));
  h.streamer->set_source_frozen("cam-1", false);
  ASSERT_TRUE(run_until([&] { return h.health("cam-1") == "ok"; }, 5s))
      << "recovers after steady_ms";
  size_t back_at = h.media.count();
  ASSERT_TRUE(run_until([&] { return h.media.count() >= back_at + 15; }, 5s));

  auto frags = h.media.fragments();
  auto px = centre_pixels(write_mp4(h.media.init(), frags, 0, frags.size(), "never-black.mp4"));
  ASSERT_EQ(px.size(), frags.size());
  size_t slate_frames = 0, first_slate = 0;
  for (size_t i = 0; i < px.size(); ++i) {
    Look l = classify(px[i]);
    EXPECT_TRUE(l == Look::Red || l == Look::Slate) << "frame " << i << " is " << to_string(l);
    if (l == Look::Slate && i >= froze_at) {
      if (!slate_frames) first_slate = i;
      ++slate_frames;
    }
  }
  EXPECT_GE(slate_frames, 15u);
  // Held last frame for timeout + hold (~800 ms = 24 frames), then the slate: not frozen forever.
  EXPECT_LE(first_slate - froze_at, 40u);
  EXPECT_GE(first_slate - froze_at, 6u) << "the last frame is held briefly before the slate";
  for (size_t i = back_at + 3; i < px.size(); ++i)
    EXPECT_EQ(classify(px[i]), Look::Red) << "frame " << i;
}

TEST(StreamerNeverBlack, WithoutAutoReturnTheOperatorBringsItBack) {
  auto cfg = fast_watchdog(small_config({{"cam-1", "red"}}));
  cfg.watchdog.auto_return = false;
  Harness h(cfg);
  h.start(10);
  ASSERT_TRUE(run_until([&] { return h.health("cam-1") == "ok"; }, 5s));
  h.streamer->set_source_frozen("cam-1", true);
  ASSERT_TRUE(run_until([&] { return !h.states.empty() && h.states.back()["slate"] == true; }, 3s));
  h.streamer->set_source_frozen("cam-1", false);
  ASSERT_TRUE(run_until([&] { return h.health("cam-1") == "ok"; }, 5s));
  EXPECT_EQ(h.states.back()["slate"], true) << "stays on the slate until the operator switches";
  EXPECT_EQ(h.command({{"type", "switch"}, {"source", "cam-1"}})["type"], "ack");
  EXPECT_EQ(h.states.back()["slate"], false);
}

TEST(StreamerNeverBlack, SourcesFailingAtStartDoNotStopTheProgram) {
  auto cfg = fast_watchdog(small_config({{"cam-1", "red"}}));
  config::Source v4l2;
  v4l2.id = "cam-usb";
  v4l2.kind = config::SourceKind::V4l2;
  v4l2.hall = "hoi-truong";
  v4l2.device = "/dev/video99";
  config::Source rtsp;
  rtsp.id = "ip-cam";
  rtsp.kind = config::SourceKind::Rtsp;
  rtsp.hall = "hoi-truong";
  rtsp.uri = "rtsp://127.0.0.1:" + std::to_string(free_port(false)) + "/stream";
  cfg.sources.insert(cfg.sources.begin(), {v4l2, rtsp});
  Harness h(cfg);
  h.start(10);  // the program runs although its first two sources are broken
  EXPECT_EQ(h.streamer->program(), "cam-usb");
  ASSERT_TRUE(run_until(
      [&] { return h.health("cam-usb") == "retrying" && h.health("ip-cam") == "retrying"; }, 5s));
  size_t at = h.media.count();
  ASSERT_TRUE(run_until([&] { return h.media.count() >= at + 30; }, 5s))
      << "retries never stall the program";
  EXPECT_EQ(h.command({{"type", "switch"}, {"source", "cam-1"}})["type"], "ack");
  size_t cut = h.media.count();
  ASSERT_TRUE(run_until([&] { return h.media.count() >= cut + 10; }, 5s));
  auto frags = h.media.fragments();
  auto px = centre_pixels(write_mp4(h.media.init(), frags, 0, frags.size(), "broken.mp4"));
  for (size_t i = 0; i < px.size(); ++i) {
    Look l = classify(px[i]);
    EXPECT_TRUE(i < cut ? l == Look::Slate : (l == Look::Red || i < cut + 3))
        << "frame " << i << " " << to_string(l);
  }
  EXPECT_TRUE(h.fatal.empty());
}

}  // namespace
}  // namespace hallcast::streamer::testing
