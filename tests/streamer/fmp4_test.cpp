// The fMP4 the streamer publishes: valid (ffprobe: H.264 + AAC or Opus, expected frame count),
// one fragment per video frame and one per audio frame (audio leaves without waiting for video,
// with the times it was given), keyframes where configured, decodable from any keyframe fragment.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "hallcast/streamer/fmp4_muxer.hpp"
#include "hallcast/testsupport/time_scale.hpp"
#include "streamer_fixture.hpp"

namespace hallcast::streamer::testing {
namespace {

// {stream_index, pts seconds} of every packet of an MP4 file, in file order (ffprobe).
std::vector<std::pair<int, double>> packets_of(const std::string& file) {
  std::string out =
      sh("ffprobe -v error -show_entries packet=stream_index,pts_time -of csv=p=0 '" + file + "'");
  std::vector<std::pair<int, double>> packets;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    auto comma = line.find(',');
    if (comma == std::string::npos) continue;
    packets.emplace_back(std::stoi(line.substr(0, comma)), std::stod(line.substr(comma + 1)));
  }
  return packets;
}

// avcC of a baseline 320x180 stream (its SPS and PPS).
const std::vector<uint8_t> kAvcc = {0x01, 0x42, 0xc0, 0x0d, 0xff, 0xe1, 0x00, 0x0b, 0x67,
                                    0x42, 0xc0, 0x0d, 0xd9, 0x41, 0x41, 0x7e, 0x5c, 0x04,
                                    0x40, 0x01, 0x00, 0x04, 0x68, 0xcb, 0x83, 0xcb};

// A 30 fps muxer whose output (the init segment first) is collected in `out`.
struct CollectingMuxer {
  std::vector<Fragment> out;
  Fmp4Muxer mux{[this](const media::FrameHeader& h, std::vector<uint8_t>&& b) {
                  out.push_back(Fragment{h, std::move(b), {}, 0});
                },
                30};
};

TEST(StreamerFmp4, PublishesValidH264AacWithOneFragmentPerFrame) {
  Harness h(small_config({{"cam-1", "ball"}, {"cam-2", "green"}}));
  h.start(75);
  auto init = h.media.init();
  auto frags = h.media.fragments();
  ASSERT_FALSE(init.empty());
  ASSERT_TRUE(frags[0].header.keyframe) << "the stream must start at a keyframe";
  // Everything up to (not including) the 76th video fragment.
  size_t end = 0, video = 0, audio = 0;
  for (; end < frags.size() && video < 75; ++end) {
    if (frags[end].header.audio_only) {
      ++audio;
      EXPECT_FALSE(frags[end].header.keyframe);
    } else {
      ++video;
    }
  }
  ASSERT_EQ(video, 75u);
  std::string file = write_mp4(init, frags, 0, end, "whole.mp4");
  std::string probe =
      sh("ffprobe -v error -count_frames -count_packets -show_entries stream=codec_name,profile,"
         "nb_read_frames,nb_read_packets,pix_fmt -of json '" +
         file + "'");
  auto j = nlohmann::json::parse(probe);
  ASSERT_EQ(j["streams"].size(), 2u) << probe;
  EXPECT_EQ(j["streams"][0]["codec_name"], "h264");
  EXPECT_EQ(j["streams"][0]["profile"], "Constrained Baseline");
  EXPECT_EQ(j["streams"][0]["pix_fmt"], "yuv420p");
  EXPECT_EQ(j["streams"][0]["nb_read_frames"], "75") << "one video frame per video fragment";
  EXPECT_EQ(j["streams"][1]["codec_name"], "aac");
  EXPECT_GT(std::stoi(j["streams"][1]["nb_read_frames"].get<std::string>()),
            75 * 48000 / 1024 / 30 / 2);
  EXPECT_EQ(j["streams"][1]["nb_read_packets"], std::to_string(audio))
      << "one AAC frame per audio-only fragment";
}

// The muxer on its own: each audio frame leaves at once in a fragment of its own, before the
// next video frame is written, and the output carries the times it was given (no shift).
TEST(StreamerFmp4, AudioLeavesTheMuxerBeforeTheNextVideoFrameWithItsOwnTimes) {
  CollectingMuxer m;
  auto& [out, mux] = m;
  // AudioSpecificConfig: AAC-LC, 48 kHz, stereo.
  const std::vector<uint8_t> asc = {0x11, 0x90};
  mux.set_video_config(kAvcc, 320, 180);
  mux.set_audio_config(AudioCodec::Aac, asc, 48000, 2);
  ASSERT_EQ(out.size(), 1u) << "the init segment";
  const std::vector<uint8_t> idr = {0, 0, 0, 3, 0x65, 0x88, 0x84};
  const std::vector<uint8_t> delta = {0, 0, 0, 3, 0x41, 0x9a, 0x02};
  const std::vector<uint8_t> aac(24, 0x21);
  const int64_t t0 = 7'000'000;                        // running time of the first frame, µs
  const uint64_t cap0 = 1'700'000'000'000'000;         // its capture time
  const int64_t audio_us[] = {3'000, 24'333, 45'667};  // after t0; AAC frames of 21.33 ms
  mux.write_video(idr, t0, true, cap0);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FALSE(out[1].header.audio_only);
  for (size_t i = 0; i < 3; ++i) {
    mux.write_audio(aac, t0 + audio_us[i]);
    ASSERT_EQ(out.size(), 3 + i) << "audio frame " << i << " waited for the next video frame";
    const auto& h = out.back().header;
    EXPECT_TRUE(h.audio_only);
    EXPECT_FALSE(h.keyframe);
    EXPECT_EQ(h.media_time_us, static_cast<uint64_t>(audio_us[i]));
    EXPECT_EQ(h.capture_time_us, cap0 + static_cast<uint64_t>(audio_us[i]))
        << "the audio's capture time maps like the video's";
  }
  mux.write_video(delta, t0 + 33'333, false, cap0 + 33'333);
  ASSERT_EQ(out.size(), 6u);
  EXPECT_FALSE(out.back().header.audio_only);
  EXPECT_EQ(mux.fragments(), 2u);
  EXPECT_EQ(mux.audio_fragments(), 3u);

  std::vector<uint8_t> init = out[0].bytes;
  out.erase(out.begin());
  auto packets = packets_of(write_mp4(init, out, 0, out.size(), "muxer-only.mp4"));
  ASSERT_EQ(packets.size(), 5u);
  const std::pair<int, double> want[] = {
      {0, 0.0}, {1, 0.003}, {1, 0.024333}, {1, 0.045667}, {0, 0.033333}};
  // libavformat starts each track's first fragment at time 0 (its tfdt), so the stream's very
  // first audio frame reads back at 0 rather than 3 ms (the same before audio had fragments of
  // its own); every later one must carry exactly the time it was written with.
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(packets[i].first, want[i].first) << "packet " << i;
    if (i != 1) {
      EXPECT_NEAR(packets[i].second, want[i].second, 0.0001) << "packet " << i;
    }
  }
}

// Opus (outputs.relay_audio_codec = "opus"): the OpusHead becomes the init segment's dOps, and
// each 10 ms frame leaves in a fragment of its own with the time it was given (the encoder's
// first frame is shorter by its pre-skip: 7.5 ms).
TEST(StreamerFmp4, OpusFramesLeaveOneByOneWithTheirOwnTimes) {
  CollectingMuxer m;
  auto& [out, mux] = m;
  // OpusHead: version 1, 2 channels, pre-skip 120, 48 kHz, gain 0, mapping family 0.
  const std::vector<uint8_t> head = {'O',  'p', 'u',  's',  'H', 'e', 'a', 'd', 1, 2,
                                     0x78, 0,   0x80, 0xbb, 0,   0,   0,   0,   0};
  mux.set_video_config(kAvcc, 320, 180);
  mux.set_audio_config(AudioCodec::Opus, head, 48000, 2);
  ASSERT_EQ(out.size(), 1u) << "the init segment";
  const std::vector<uint8_t> idr = {0, 0, 0, 3, 0x65, 0x88, 0x84};
  const std::vector<uint8_t> frame = {0xfc, 0xff, 0xfe};  // CELT 10 ms, silence
  const int64_t t0 = 7'000'000;
  mux.write_video(idr, t0, true, 1'700'000'000'000'000);
  const int64_t at[] = {0, 7'500, 17'500, 27'500};
  const int64_t duration[] = {7'500, 10'000, 10'000, 10'000};
  for (size_t i = 0; i < 4; ++i) {
    mux.write_audio(frame, t0 + at[i], duration[i]);
    ASSERT_EQ(out.size(), 3 + i) << "audio frame " << i << " waited";
    EXPECT_TRUE(out.back().header.audio_only);
    EXPECT_EQ(out.back().header.media_time_us, static_cast<uint64_t>(at[i]));
  }
  std::vector<uint8_t> init = out[0].bytes;
  out.erase(out.begin());
  std::string file = write_mp4(init, out, 0, out.size(), "opus.mp4");
  auto j = nlohmann::json::parse(
      sh("ffprobe -v error -show_entries stream=codec_name,sample_rate,channels:packet="
         "stream_index,pts_time -of json '" +
         file + "'"));
  ASSERT_EQ(j["streams"].size(), 2u) << j.dump();
  EXPECT_EQ(j["streams"][1]["codec_name"], "opus");
  EXPECT_EQ(j["streams"][1]["sample_rate"], "48000");
  EXPECT_EQ(j["streams"][1]["channels"], 2);
  std::vector<double> audio;  // pts (s)
  for (const auto& p : j["packets"])
    if (p["stream_index"] == 1) audio.push_back(std::stod(p["pts_time"].get<std::string>()));
  ASSERT_EQ(audio.size(), 4u) << j.dump();
  for (size_t i = 1; i < 4; ++i)  // the first reads back at 0 (see the test above)
    EXPECT_NEAR(audio[i], at[i] / 1e6, 1e-4) << "packet " << i;
}

TEST(StreamerFmp4, KeyframesAtTheConfiguredIntervalAndTimestampsIncrease) {
  Harness h(small_config({{"cam-1", "ball"}}));
  h.cfg.program.keyframe_interval_ms = 500;  // 15 frames at 30 fps
  h.start(50);
  auto frags = h.media.video_fragments();
  std::vector<size_t> keys;
  for (size_t i = 0; i < frags.size(); ++i) {
    if (frags[i].header.keyframe) keys.push_back(i);
    if (i > 0) {
      EXPECT_GT(frags[i].header.media_time_us, frags[i - 1].header.media_time_us);
    }
    EXPECT_GT(frags[i].header.capture_time_us, 1600000000000000u);  // wall clock, µs
  }
  size_t audio = 0;
  uint64_t last_audio = 0;
  for (const auto& f : h.media.fragments()) {
    if (!f.header.audio_only) continue;
    if (audio++ > 0) {
      EXPECT_GT(f.header.media_time_us, last_audio) << "audio fragment " << audio;
    }
    last_audio = f.header.media_time_us;
  }
  EXPECT_GT(audio, 0u) << "audio-only fragments";
  // Composed frame -> its fragment out of the muxer: encode + mux, no frame held back.
  std::vector<uint64_t> delay;
  for (const auto& f : frags) delay.push_back(f.arrived_wall_us - f.header.capture_time_us);
  std::sort(delay.begin(), delay.end());
  uint64_t p50 = delay[delay.size() / 2], p95 = delay[delay.size() * 95 / 100];
  std::printf("encode+mux delay: p50 %.1f ms, p95 %.1f ms over %zu frames\n", p50 / 1000.0,
              p95 / 1000.0, delay.size());
  // A bound of the optimised build. In the sanitizer pass (time scale > 1) the instrumented
  // pipeline has been seen at 2 ms alone and 76 ms beside the suite's other processes: it is
  // measured there, not checked; the muxer-only test above proves the order that matters (each
  // frame's fragment is out when write_video returns).
  if (hallcast::testsupport::time_scale() == 1) {
    EXPECT_LT(p50, 33000u) << "each frame's fragment leaves before the next frame is composed";
  }
  ASSERT_GE(keys.size(), 3u);
  EXPECT_EQ(keys[1] - keys[0], 15u);
  EXPECT_EQ(keys[2] - keys[1], 15u);
}

TEST(StreamerFmp4, DecodesStartingAtAnyKeyframeFragment) {
  Harness h(small_config({{"cam-1", "smpte"}}));
  h.cfg.program.keyframe_interval_ms = 500;
  h.start(70);
  auto init = h.media.init();
  auto frags = h.media.fragments();  // audio-only fragments included
  int tried = 0;
  for (size_t i = 1; i < frags.size() && tried < 3; ++i) {
    if (!frags[i].header.keyframe) continue;
    ++tried;
    size_t end = i, n = 0;  // 20 video frames from the keyframe on, with their audio
    for (; end < frags.size() && n < 20; ++end)
      if (!frags[end].header.audio_only) ++n;
    std::string file = write_mp4(init, frags, i, end, "from-" + std::to_string(i) + ".mp4");
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
