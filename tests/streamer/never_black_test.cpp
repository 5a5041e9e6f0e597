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
  size_t settled = h.media.video_count();  // its first frames reach the program after this
  ASSERT_TRUE(run_until([&] { return h.media.video_count() >= settled + 5; }, 5s));
  size_t froze_at = h.media.video_count();
  // Times are compared on the wall clock of the frames' capture times (the fragment header):
  // counts of published fragments lag what is being composed by however much the encoder is
  // behind, which on a slow (sanitizer) build is many frames.
  const int64_t froze_us = g_get_real_time();
  h.streamer->set_source_frozen("cam-1", true);
  ASSERT_TRUE(run_until([&] { return h.health("cam-1") != "ok"; }, 2s))
      << "the watchdog notices within its timeout";
  ASSERT_TRUE(run_until([&] { return !h.states.empty() && h.states.back()["slate"] == true; }, 2s));
  EXPECT_EQ(h.states.back()["slate_reason"], "source_lost");
  size_t slate_from = h.media.video_count();
  ASSERT_TRUE(run_until([&] { return h.media.video_count() >= slate_from + 15; }, 5s));
  h.streamer->set_source_frozen("cam-1", false);
  ASSERT_TRUE(run_until([&] { return h.health("cam-1") == "ok"; }, 5s))
      << "recovers after steady_ms";
  const int64_t back_us = g_get_real_time();
  size_t back_at = h.media.video_count();
  ASSERT_TRUE(run_until([&] { return h.media.video_count() >= back_at + 15; }, 5s));

  auto frags = h.media.video_fragments();
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
  // The last frame is held for timeout + hold (800 ms), then the slate: not frozen forever.
  auto ms_after = [](uint64_t capture_us, int64_t t_us) {
    return (static_cast<int64_t>(capture_us) - t_us) / 1000;
  };
  int64_t slate_after_ms = ms_after(frags[first_slate].header.capture_time_us, froze_us);
  const config::Watchdog& wd = h.cfg.watchdog;
  EXPECT_GE(slate_after_ms, wd.timeout_ms) << "the last frame is held before the slate";
  // The upper bound is functional, not a timing target: the slate comes within timeout + hold
  // plus a margin for a sanitizer build on a loaded 2-core box (seen: 1504 ms for 800 ms), which
  // still catches a hold applied in the wrong unit or a picture left frozen.
  EXPECT_LE(slate_after_ms, wd.timeout_ms + h.cfg.slate.hold_ms + 2000)
      << "the slate replaces a frozen picture";
  size_t checked = 0;
  for (size_t i = back_at; i < px.size(); ++i) {
    if (ms_after(frags[i].header.capture_time_us, back_us) < 100) continue;
    EXPECT_EQ(classify(px[i]), Look::Red) << "frame " << i;
    ++checked;
  }
  EXPECT_GE(checked, 5u) << "frames after the source came back";
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
  size_t at = h.media.video_count();
  ASSERT_TRUE(run_until([&] { return h.media.video_count() >= at + 30; }, 5s))
      << "retries never stall the program";
  ASSERT_TRUE(run_until([&] { return h.health("cam-1") == "ok"; }, 5s));
  EXPECT_EQ(h.command({{"type", "switch"}, {"source", "cam-1"}})["type"], "ack");
  size_t cut = h.media.video_count();
  ASSERT_TRUE(run_until([&] { return h.media.video_count() >= cut + 10; }, 5s));
  auto frags = h.media.video_fragments();
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
