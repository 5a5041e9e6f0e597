// Unit tests: layouts, pipeline descriptions, command parsing and validation (no pipelines run).
#include <gtest/gtest.h>

#include <gst/gst.h>

#include "hallcast/streamer/command_json.hpp"
#include "hallcast/streamer/layout.hpp"
#include "hallcast/streamer/source_desc.hpp"
#include "hallcast/streamer/streamer.hpp"

namespace hallcast::streamer {
namespace {

TEST(Layout, FullShowsOnlyTheProgram) {
  auto g = compute_layout(Layout{}, "cam-2", {"cam-1", "cam-2", "slides"}, 1280, 720);
  EXPECT_FALSE(g["cam-1"].visible);
  EXPECT_TRUE(g["cam-2"].visible);
  EXPECT_EQ(g["cam-2"].width, 1280);
  EXPECT_EQ(g["cam-2"].height, 720);
  EXPECT_FALSE(g["slides"].visible);
}

TEST(Layout, PipPutsTheSecondSourceSmallInTheCornerAboveTheFirst) {
  Layout l{LayoutMode::Pip, {"slides", "cam-1"}, Corner::BottomRight};
  auto g = compute_layout(l, "slides", {"cam-1", "slides"}, 1280, 720);
  EXPECT_EQ(g["slides"].width, 1280);
  EXPECT_TRUE(g["cam-1"].visible);
  EXPECT_EQ(g["cam-1"].width, 1280 / 3);
  EXPECT_GT(g["cam-1"].zorder, g["slides"].zorder);
  EXPECT_LE(g["cam-1"].x + g["cam-1"].width, 1280 - 1280 / 24);
  EXPECT_LE(g["cam-1"].y + g["cam-1"].height, 720 - 720 / 24);
  l.corner = Corner::TopLeft;
  g = compute_layout(l, "slides", {"cam-1", "slides"}, 1280, 720);
  EXPECT_EQ(g["cam-1"].x, 1280 / 24);
  EXPECT_EQ(g["cam-1"].y, 720 / 24);
}

TEST(Layout, SideBySideKeepsTheAspectRatio) {
  Layout l{LayoutMode::Sbs, {"cam-1", "slides"}, Corner::BottomRight};
  auto g = compute_layout(l, "cam-1", {"cam-1", "slides", "cam-2"}, 1280, 720);
  EXPECT_EQ(g["cam-1"].x, 0);
  EXPECT_EQ(g["slides"].x, 640);
  EXPECT_EQ(g["cam-1"].width * 9, g["cam-1"].height * 16);
  EXPECT_FALSE(g["cam-2"].visible);
  EXPECT_EQ(main_source(l, "cam-2"), "cam-1");
}

TEST(Layout, ParsesNamesAndRejectsOthers) {
  EXPECT_EQ(parse_mode("sbs"), LayoutMode::Sbs);
  EXPECT_FALSE(parse_mode("grid"));
  EXPECT_EQ(parse_corner("top-right"), Corner::TopRight);
  EXPECT_FALSE(parse_corner("middle"));
  EXPECT_EQ(to_string(Corner::BottomLeft), "bottom-left");
}

config::Source source(config::SourceKind kind) {
  config::Source s;
  s.id = "cam";
  s.kind = kind;
  return s;
}

TEST(SourceDesc, EveryKindEndsInProgramFormatAppsinks) {
  ProgramFormat f{640, 360, 25};
  auto t = source(config::SourceKind::Test);
  t.pattern = "ball";
  std::string d = source_pipeline_desc(t, f);
  EXPECT_NE(d.find("pattern=\"ball\""), std::string::npos);
  EXPECT_NE(d.find("video/x-raw,format=I420,width=640,height=360,framerate=25/1"),
            std::string::npos);
  EXPECT_NE(d.find("appsink name=video"), std::string::npos);
  EXPECT_NE(d.find("appsink name=audio"), std::string::npos);
  auto srt = source(config::SourceKind::Srt);
  srt.uri = "srt://10.0.0.5:9000";
  srt.srt_mode = "listener";
  d = source_pipeline_desc(srt, f);
  EXPECT_NE(d.find("srt://10.0.0.5:9000?mode=listener"), std::string::npos);
  EXPECT_NE(d.find("latency=0"), std::string::npos) << "tsdemux adds 700 ms otherwise";
  auto file = source(config::SourceKind::File);
  file.path = "/srv/a \"b\".mp4";
  EXPECT_NE(source_pipeline_desc(file, f).find("\"/srv/a \\\"b\\\".mp4\""), std::string::npos);
  d = source_pipeline_desc(file, f);
  // Only back-pressure paces a file: nothing in its pipeline may leak or drop.
  EXPECT_EQ(d.find("leaky"), std::string::npos) << d;
  EXPECT_EQ(d.find("drop=true"), std::string::npos) << d;
  EXPECT_EQ(d.find("sync=false"), std::string::npos) << d;
  auto v4l2 = source(config::SourceKind::V4l2);
  EXPECT_THROW(source_pipeline_desc(v4l2, f), std::invalid_argument) << "device missing";
  v4l2.device = "/dev/video0";
  EXPECT_EQ(source_pipeline_desc(v4l2, f).find("appsink name=audio"), std::string::npos);
}

TEST(SourceDesc, EveryDescriptionParses) {
  gst_init(nullptr, nullptr);
  ProgramFormat f{320, 180, 30};
  auto t = source(config::SourceKind::Test);
  auto img = source(config::SourceKind::Image);
  img.path = "/nonexistent.png";
  auto srt = source(config::SourceKind::Srt);
  srt.uri = "srt://127.0.0.1:9";
  for (const auto& s : {t, img, srt}) {
    GError* err = nullptr;
    GstElement* p = gst_parse_launch(source_pipeline_desc(s, f).c_str(), &err);
    EXPECT_TRUE(p) << (err ? err->message : "");
    if (err) g_error_free(err);
    if (p) gst_object_unref(p);
  }
}

TEST(CommandJson, AcceptsObjectsAndRejectsBadText) {
  std::string error;
  EXPECT_TRUE(parse_command(R"({"type":"switch","source":"cam-1"})", 1024, error));
  EXPECT_FALSE(parse_command("{\"type\":\"caption\",\"text\":\"\xc3\x28\"}", 1024, error));
  EXPECT_NE(error.find("UTF-8"), std::string::npos);
  EXPECT_FALSE(parse_command(std::string(100, '[') + std::string(100, ']'), 1024, error));
  EXPECT_NE(error.find("deeper"), std::string::npos);
  EXPECT_FALSE(parse_command("{\"a\":1", 1024, error));
  EXPECT_FALSE(parse_command(std::string(2000, ' '), 1024, error));
}

}  // namespace
}  // namespace hallcast::streamer
