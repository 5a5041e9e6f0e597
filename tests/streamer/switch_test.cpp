// Switching: a cut changes what is on air within a frame or two (decoded pixels), starts with a
// keyframe; a fade passes through mixed frames; layouts; bad commands get clear errors.
#include <gtest/gtest.h>

#include "streamer_fixture.hpp"

namespace hallcast::streamer::testing {
namespace {

config::Config rgb_config() {
  return small_config({{"cam-1", "red"}, {"cam-2", "green"}, {"cam-3", "blue"}});
}

// Decoded looks of fragments [0, frags.size()).
std::vector<Look> looks(const Harness& h, const std::string& name) {
  auto frags = h.media.video_fragments();
  auto px = centre_pixels(write_mp4(h.media.init(), frags, 0, frags.size(), name));
  std::vector<Look> out;
  for (const auto& p : px) out.push_back(classify(p));
  return out;
}

TEST(StreamerSwitch, CutChangesTheProgramWithinTwoFramesOnAKeyframe) {
  Harness h(rgb_config());
  h.start(30);
  ASSERT_TRUE(
      run_until([&] { return h.health("cam-1") == "ok" && h.health("cam-2") == "ok"; }, 5s));
  size_t settled = h.media.video_count();  // cam-1's first frames reach the program after this
  ASSERT_TRUE(run_until([&] { return h.media.video_count() >= settled + 5; }, 5s));
  size_t at = h.media.video_count();  // fragments published before the command
  auto reply = h.command({{"type", "switch"}, {"source", "cam-2"}, {"id", "op-1"}});
  EXPECT_EQ(reply, (nlohmann::json{{"type", "ack"}, {"ref", "switch"}, {"id", "op-1"}}));
  ASSERT_TRUE(run_until([&] { return h.media.video_count() >= at + 20; }, 5s));
  auto l = looks(h, "cut.mp4");
  ASSERT_GE(l.size(), at + 20);
  EXPECT_EQ(l[at - 1], Look::Red);
  size_t first_green = at;
  while (first_green < l.size() && l[first_green] != Look::Green) ++first_green;
  ASSERT_LT(first_green, l.size());
  // Frames already composed when the command arrived are in the encoder; allow two.
  EXPECT_LE(first_green - at, 2u) << "switch took " << first_green - at << " frames";
  for (size_t i = first_green; i < l.size(); ++i) EXPECT_EQ(l[i], Look::Green) << "frame " << i;
  auto frags = h.media.video_fragments();
  bool key_at_cut = frags[first_green].header.keyframe || frags[first_green - 1].header.keyframe;
  EXPECT_TRUE(key_at_cut) << "the encoder emits a keyframe at the cut";
  EXPECT_EQ(h.states.back()["program"], "cam-2");
}

TEST(StreamerSwitch, FadePassesThroughMixedFramesAndEndsOnTheTarget) {
  Harness h(rgb_config());
  h.start(30);
  ASSERT_TRUE(run_until([&] { return h.health("cam-3") == "ok"; }, 5s));
  size_t at = h.media.video_count();
  auto reply = h.command(
      {{"type", "switch"}, {"source", "cam-3"}, {"transition", "fade"}, {"duration_ms", 800}});
  EXPECT_EQ(reply["type"], "ack");
  ASSERT_TRUE(run_until([&] { return h.media.video_count() >= at + 45; }, 5s));
  auto l = looks(h, "fade.mp4");
  size_t mixed = 0;
  for (size_t i = at; i < at + 30 && i < l.size(); ++i) mixed += l[i] == Look::Other;
  EXPECT_GE(mixed, 5u) << "an 800 ms fade (24 frames) shows intermediate frames";
  EXPECT_EQ(l.back(), Look::Blue);
  for (size_t i = at; i < l.size(); ++i) EXPECT_NE(l[i], Look::Black) << "frame " << i;
}

TEST(StreamerSwitch, SideBySideShowsTwoSourcesOverTheSlate) {
  Harness h(rgb_config());
  h.start(30);
  ASSERT_TRUE(
      run_until([&] { return h.health("cam-2") == "ok" && h.health("cam-3") == "ok"; }, 5s));
  auto reply = h.command({{"type", "layout"}, {"mode", "sbs"}, {"sources", {"cam-2", "cam-3"}}});
  ASSERT_EQ(reply["type"], "ack") << reply;
  size_t at = h.media.video_count();
  ASSERT_TRUE(run_until([&] { return h.media.video_count() >= at + 10; }, 5s));
  auto frags = h.media.video_fragments();
  std::string file = write_mp4(h.media.init(), frags, 0, frags.size(), "sbs.mp4");
  // Left and right centres, and the band above them (the slate shows through, not black).
  std::string all =
      sh("ffmpeg -v error -i '" + file + "' -map 0:v -vf scale=32:18 -f rawvideo -pix_fmt rgb24 -");
  ASSERT_GE(all.size(), 32u * 18 * 3);
  std::string raw = all.substr(all.size() - 32 * 18 * 3);  // the last frame
  auto at_px = [&](int x, int y) {
    size_t o = (y * 32 + x) * 3;
    return classify({static_cast<uint8_t>(raw[o]), static_cast<uint8_t>(raw[o + 1]),
                     static_cast<uint8_t>(raw[o + 2])});
  };
  EXPECT_EQ(at_px(8, 9), Look::Green);
  EXPECT_EQ(at_px(24, 9), Look::Blue);
  EXPECT_EQ(at_px(16, 1), Look::Slate);
  EXPECT_EQ(h.states.back()["layout"]["mode"], "sbs");
}

TEST(StreamerSwitch, BadCommandsGetClearErrors) {
  Harness h(rgb_config());
  h.start(5);
  auto r = h.command({{"type", "switch"}, {"source", "cam-9"}, {"id", "x"}});
  EXPECT_EQ(r["type"], "error");
  EXPECT_EQ(r["code"], "unknown_source");
  EXPECT_EQ(r["id"], "x");
  EXPECT_EQ(h.command({{"type", "switch"}, {"source", "cam-2"}, {"transition", "wipe"}})["code"],
            "bad_request");
  EXPECT_EQ(
      h.command({{"type", "layout"}, {"mode", "pip"}, {"sources", {"cam-1", "cam-1"}}})["code"],
      "bad_request");
  EXPECT_EQ(h.command({{"type", "dance"}})["code"], "unknown_type");
  EXPECT_EQ(h.command(nlohmann::json::array())["code"], "bad_request");
  EXPECT_EQ(h.command({{"type", "slate"}, {"on", "yes"}})["code"], "bad_request");
  EXPECT_EQ(h.streamer->program(), "cam-1") << "failed commands change nothing";
}

}  // namespace
}  // namespace hallcast::streamer::testing
