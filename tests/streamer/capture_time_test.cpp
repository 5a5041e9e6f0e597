// Capture times: the picture stamp codec (pure), and through the real pipelines (test source ->
// compositor -> x264 -> fMP4 -> decoder) the stamp painted at capture reads back equal to the
// capture time the fragment header carries, and both are plausible capture times.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "hallcast/common/frame_stamp.hpp"
#include "hallcast/streamer/capture_time.hpp"
#include "streamer_fixture.hpp"

namespace hallcast::streamer::testing {
namespace {

// A grey 8-bit plane with the stamp painted as the streamer paints luma.
struct Plane {
  int width, height;
  std::vector<uint8_t> px;
  Plane(int w, int h) : width(w), height(h), px(static_cast<size_t>(w * h), 128) {}
  void paint(uint64_t wall_us) {
    for (const auto& c : stamp::encode(wall_us, width, height))
      for (int y = c.y; y < c.y + c.size; ++y)
        for (int x = c.x; x < c.x + c.size; ++x) px[y * width + x] = c.white ? 235 : 16;
  }
  stamp::Sampler sampler() const {
    return [this](int x, int y, int size) {
      int sum = 0;
      for (int r = y; r < y + size; ++r)
        for (int c = x; c < x + size; ++c) sum += px[r * width + c];
      return sum / (size * size);
    };
  }
};

TEST(FrameStamp, RoundTripsAndResolvesTheWrapAgainstNow) {
  Plane p(1280, 720);
  const uint64_t captured = 1'800'000'123'456'789;  // µs, far above 2^40
  p.paint(captured);
  EXPECT_EQ(stamp::decode(p.sampler(), 1280, 720, captured + 80'000), captured);
  EXPECT_EQ(stamp::decode(p.sampler(), 1280, 720, captured - 5'000), captured);  // clock skew
}

TEST(FrameStamp, RejectsPicturesWithoutAValidStamp) {
  Plane p(640, 360);
  EXPECT_FALSE(stamp::decode(p.sampler(), 640, 360, 1'700'000'000'000'000));  // plain grey
  p.paint(1'700'000'000'000'000);
  auto cells = stamp::encode(1'700'000'000'000'000, 640, 360);
  const auto& c = cells[10];  // flip one data bit
  for (int y = c.y; y < c.y + c.size; ++y)
    for (int x = c.x; x < c.x + c.size; ++x) p.px[y * 640 + x] = c.white ? 16 : 235;
  EXPECT_FALSE(stamp::decode(p.sampler(), 640, 360, 1'700'000'000'000'000));
  EXPECT_TRUE(stamp::encode(1, 100, 50).empty()) << "too small for 4-pixel cells";
}

// Decodes an MP4 file; returns the stamp of every video frame (0 when it has none).
std::vector<uint64_t> stamps_of(const std::string& file, uint64_t now_us) {
  std::string desc = "filesrc location=" + file +
                     " ! qtdemux ! h264parse ! avdec_h264 ! videoconvert"
                     " ! video/x-raw,format=I420 ! appsink name=out sync=false";
  GError* err = nullptr;
  GstElement* p = gst_parse_launch(desc.c_str(), &err);
  EXPECT_TRUE(p && !err) << (err ? err->message : "");
  if (!p || err) return {};
  GstElement* sink = gst_bin_get_by_name(GST_BIN(p), "out");
  gst_element_set_state(p, GST_STATE_PLAYING);
  std::vector<uint64_t> out;
  while (GstSample* s = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 10 * GST_SECOND)) {
    GstVideoInfo info;
    gst_video_info_from_caps(&info, gst_sample_get_caps(s));
    GstVideoFrame f;
    if (gst_video_frame_map(&f, &info, gst_sample_get_buffer(s), GST_MAP_READ)) {
      auto* y = static_cast<const uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&f, 0));
      int stride = GST_VIDEO_FRAME_PLANE_STRIDE(&f, 0);
      auto sampler = [&](int x0, int y0, int size) {
        int sum = 0;
        for (int r = y0; r < y0 + size; ++r)
          for (int c = x0; c < x0 + size; ++c) sum += y[r * stride + c];
        return sum / (size * size);
      };
      out.push_back(stamp::decode(sampler, info.width, info.height, now_us).value_or(0));
      gst_video_frame_unmap(&f);
    }
    gst_sample_unref(s);
  }
  gst_element_set_state(p, GST_STATE_NULL);
  gst_object_unref(sink);
  gst_object_unref(p);
  return out;
}

TEST(CaptureTime, StampReadBackFromTheEncodedProgramMatchesTheFragmentHeader) {
  capture_time::set_stamping(true);
  struct Off {
    ~Off() { capture_time::set_stamping(false); }
  } off;
  Harness h(small_config({{"cam-1", "ball"}}));
  h.start(1);
  // From the first keyframe once the camera is on air (before that the slate shows, unstamped),
  // 90 frames: however long the camera took to start on a busy machine.
  ASSERT_TRUE(run_until([&] { return h.health("cam-1") == "ok"; }, 10s));
  size_t k = h.media.video_count();
  ASSERT_TRUE(run_until(
      [&] {
        auto all = h.media.video_fragments();
        while (k < all.size() && !all[k].header.keyframe) ++k;
        return k < all.size() && all.size() >= k + 90;
      },
      10s));
  auto frags = h.media.video_fragments();
  std::string file = write_mp4(h.media.init(), frags, k, frags.size(), "stamped.mp4");
  auto stamps = stamps_of(file, frags.back().arrived_wall_us);
  ASSERT_EQ(stamps.size(), frags.size() - k) << "one decoded frame per fragment";
  size_t stamped = 0, within_frame = 0, exact = 0;
  const uint64_t frame_us = 1'000'000 / 30 + 1000;
  for (size_t i = 0; i < stamps.size(); ++i) {
    const Fragment& f = frags[k + i];
    if (stamps[i] == 0) continue;  // the slate before the camera's first frame
    ++stamped;
    uint64_t header = f.header.capture_time_us;
    EXPECT_LE(stamps[i], f.arrived_wall_us) << "captured after it was encoded? frame " << i;
    EXPECT_LT(f.arrived_wall_us - stamps[i], 1'000'000u) << "frame " << i;
    uint64_t d = header > stamps[i] ? header - stamps[i] : stamps[i] - header;
    if (d <= frame_us) ++within_frame;
    if (d == 0) ++exact;
  }
  std::printf("stamped %zu of %zu frames; header = stamp on %zu, within a frame on %zu\n", stamped,
              stamps.size(), exact, within_frame);
  EXPECT_GE(stamped * 10, stamps.size() * 8) << "the camera is on air: its frames carry stamps";
  EXPECT_GE(within_frame * 100, stamped * 95)
      << "the header's capture time is the capture time of the frame on air";
}

}  // namespace
}  // namespace hallcast::streamer::testing
