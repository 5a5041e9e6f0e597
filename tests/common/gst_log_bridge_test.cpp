// The GStreamer -> spdlog bridge shared by the streamer and the display (common/gst): level
// mapping, GStreamer's threshold, quiet categories, and the burst limit on repeated warnings.
#include <gst/gst.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include "hallcast/common/logging.hpp"
#include "hallcast/gst/log_bridge.hpp"

namespace hallcast::gst {
namespace {

using namespace std::chrono_literals;

TEST(GstLogBridge, MapsLevels) {
  EXPECT_EQ(to_spdlog(GST_LEVEL_ERROR), spdlog::level::err);
  EXPECT_EQ(to_spdlog(GST_LEVEL_WARNING), spdlog::level::warn);
  EXPECT_EQ(to_spdlog(GST_LEVEL_FIXME), spdlog::level::info);
  EXPECT_EQ(to_spdlog(GST_LEVEL_INFO), spdlog::level::info);
  EXPECT_EQ(to_spdlog(GST_LEVEL_DEBUG), spdlog::level::debug);
  EXPECT_EQ(to_spdlog(GST_LEVEL_LOG), spdlog::level::trace);
  EXPECT_EQ(threshold_for(spdlog::level::info), GST_LEVEL_WARNING);
  EXPECT_EQ(threshold_for(spdlog::level::debug), GST_LEVEL_DEBUG);
  EXPECT_EQ(threshold_for(spdlog::level::err), GST_LEVEL_ERROR);
  EXPECT_EQ(threshold_for(spdlog::level::off), GST_LEVEL_NONE);
}

TEST(GstLogBridge, RateLimitAllowsABurstPerWindowThenCounts) {
  RateLimit limit(3, 1000ms);
  const auto t0 = std::chrono::steady_clock::now();
  int suppressed = -1;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limit.allow("videodecoder/avdec0", t0, &suppressed));
  EXPECT_FALSE(limit.allow("videodecoder/avdec0", t0 + 10ms, &suppressed));
  EXPECT_FALSE(limit.allow("videodecoder/avdec0", t0 + 20ms, &suppressed));
  EXPECT_TRUE(limit.allow("tsdemux/demux", t0 + 30ms, &suppressed)) << "keys are separate";
  EXPECT_TRUE(limit.allow("videodecoder/avdec0", t0 + 1000ms, &suppressed));
  EXPECT_EQ(suppressed, 2);
  EXPECT_TRUE(limit.allow("videodecoder/avdec0", t0 + 1010ms, &suppressed));
  EXPECT_EQ(suppressed, 0);
}

GstDebugCategory* find_category(const char* name) {
  GstDebugCategory* found = nullptr;
  GSList* all = gst_debug_get_all_categories();
  for (GSList* l = all; l != nullptr; l = l->next) {
    auto* c = static_cast<GstDebugCategory*>(l->data);
    if (std::string(gst_debug_category_get_name(c)) == name) found = c;
  }
  g_slist_free(all);
  return found;
}

TEST(GstLogBridge, RoutesElementWarningsIntoTheGstLoggerWithALimit) {
  unsetenv("GST_DEBUG");
  gst_init(nullptr, nullptr);
  logging::setup("info");
  auto logger = logging::get("gst");
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  sink->set_pattern("%l %v");
  logger->sinks().push_back(sink);

  GstElement* src = gst_element_factory_make("appsrc", "nguon-cam-1");  // loads "appsrc"
  ASSERT_NE(src, nullptr);
  route_log(LogBridgeOptions{
      {{"appsrc", GST_LEVEL_ERROR}}, {{"hallcasttest", "Latency query failed"}}, 2, 60000ms});
  EXPECT_EQ(gst_debug_get_default_threshold(), GST_LEVEL_WARNING);
  GstDebugCategory* appsrc = find_category("appsrc");
  ASSERT_NE(appsrc, nullptr);
  EXPECT_EQ(gst_debug_category_get_threshold(appsrc), GST_LEVEL_ERROR);

  GstDebugCategory* cat = nullptr;
  GST_DEBUG_CATEGORY_INIT(cat, "hallcasttest", 0, "bridge test");
  for (int i = 0; i < 5; ++i) GST_CAT_WARNING_OBJECT(cat, src, "dấu thời gian giảm %d", i);
  GST_CAT_INFO_OBJECT(cat, src, "below the threshold");
  logger->flush();
  EXPECT_EQ(out.str(),
            "warning hallcasttest nguon-cam-1: dấu thời gian giảm 0\n"
            "warning hallcasttest nguon-cam-1: dấu thời gian giảm 1\n");
  out.str("");

  // A demoted warning goes to debug: hidden at info, shown at debug; the category's other
  // warnings (another element, so not rate-limited) stay warnings.
  GstElement* mix = gst_element_factory_make("identity", "amix");
  ASSERT_NE(mix, nullptr);
  GST_CAT_WARNING_OBJECT(cat, mix, "Latency query failed");
  logger->set_level(spdlog::level::debug);
  GST_CAT_WARNING_OBJECT(cat, mix, "Latency query failed");
  GST_CAT_WARNING_OBJECT(cat, mix, "Latency of sink_1 unknown");
  logger->set_level(spdlog::level::info);
  logger->flush();
  EXPECT_EQ(out.str(),
            "debug hallcasttest amix: Latency query failed\n"
            "warning hallcasttest amix: Latency of sink_1 unknown\n");
  gst_object_unref(mix);
  logger->sinks().pop_back();
  gst_object_unref(src);
}

}  // namespace
}  // namespace hallcast::gst
