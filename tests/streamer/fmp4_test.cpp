// The fMP4 the streamer publishes: valid (ffprobe: H.264 + AAC, expected frame count), one
// fragment per video frame, keyframes where configured, decodable from any keyframe fragment.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "streamer_fixture.hpp"

namespace hallcast::streamer::testing {
namespace {

TEST(StreamerFmp4, PublishesValidH264AacWithOneFragmentPerFrame) {
  Harness h(small_config({{"cam-1", "ball"}, {"cam-2", "green"}}));
  h.start(75);
  auto init = h.media.init();
  auto frags = h.media.fragments();
  ASSERT_FALSE(init.empty());
  ASSERT_GE(frags.size(), 75u);
  ASSERT_TRUE(frags[0].header.keyframe) << "the stream must start at a keyframe";
  std::string file = write_mp4(init, frags, 0, 75, "whole.mp4");
  std::string probe =
      sh("ffprobe -v error -count_frames -show_entries stream=codec_name,profile,nb_read_frames,"
         "pix_fmt -of json '" +
         file + "'");
  auto j = nlohmann::json::parse(probe);
  ASSERT_EQ(j["streams"].size(), 2u) << probe;
  EXPECT_EQ(j["streams"][0]["codec_name"], "h264");
  EXPECT_EQ(j["streams"][0]["profile"], "Constrained Baseline");
  EXPECT_EQ(j["streams"][0]["pix_fmt"], "yuv420p");
  EXPECT_EQ(j["streams"][0]["nb_read_frames"], "75") << "one video frame per fragment";
  EXPECT_EQ(j["streams"][1]["codec_name"], "aac");
  EXPECT_GT(std::stoi(j["streams"][1]["nb_read_frames"].get<std::string>()),
            75 * 48000 / 1024 / 30 / 2);
}

TEST(StreamerFmp4, KeyframesAtTheConfiguredIntervalAndTimestampsIncrease) {
  Harness h(small_config({{"cam-1", "ball"}}));
  h.cfg.program.keyframe_interval_ms = 500;  // 15 frames at 30 fps
  h.start(50);
  auto frags = h.media.fragments();
  std::vector<size_t> keys;
  for (size_t i = 0; i < frags.size(); ++i) {
    if (frags[i].header.keyframe) keys.push_back(i);
    if (i > 0) {
      EXPECT_GT(frags[i].header.media_time_us, frags[i - 1].header.media_time_us);
    }
    EXPECT_GT(frags[i].header.capture_time_us, 1600000000000000u);  // wall clock, µs
  }
  // Composed frame -> its fragment out of the muxer: encode + mux, no frame held back.
  std::vector<uint64_t> delay;
  for (const auto& f : frags) delay.push_back(f.arrived_wall_us - f.header.capture_time_us);
  std::sort(delay.begin(), delay.end());
  uint64_t p50 = delay[delay.size() / 2], p95 = delay[delay.size() * 95 / 100];
  std::printf("encode+mux delay: p50 %.1f ms, p95 %.1f ms over %zu frames\n", p50 / 1000.0,
              p95 / 1000.0, delay.size());
  EXPECT_LT(p50, 33000u) << "each frame's fragment leaves before the next frame is composed";
  ASSERT_GE(keys.size(), 3u);
  EXPECT_EQ(keys[1] - keys[0], 15u);
  EXPECT_EQ(keys[2] - keys[1], 15u);
}

TEST(StreamerFmp4, DecodesStartingAtAnyKeyframeFragment) {
  Harness h(small_config({{"cam-1", "smpte"}}));
  h.cfg.program.keyframe_interval_ms = 500;
  h.start(70);
  auto init = h.media.init();
  auto frags = h.media.fragments();
  int tried = 0;
  for (size_t i = 1; i < frags.size() && tried < 3; ++i) {
    if (!frags[i].header.keyframe) continue;
    ++tried;
    size_t n = std::min<size_t>(20, frags.size() - i);
    std::string file = write_mp4(init, frags, i, i + n, "from-" + std::to_string(i) + ".mp4");
    int rc = 0;
    std::string errors = sh("ffmpeg -v error -xerror -i '" + file + "' -f null - 2>&1", &rc);
    EXPECT_EQ(rc, 0) << errors;
    EXPECT_TRUE(errors.empty()) << "decoding from keyframe fragment " << i << ": " << errors;
    EXPECT_EQ(centre_pixels(file).size(), n) << "every frame from fragment " << i << " decodes";
  }
  EXPECT_GE(tried, 3);
}

}  // namespace
}  // namespace hallcast::streamer::testing
