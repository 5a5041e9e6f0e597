// The display's video sink renders on arrival (sync=false, qos=false): every input paces itself.
// That holds for a single element and for each sink of a description the operator configured.
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hallcast/display/player.hpp"
#include "hallcast/display/screen_config.hpp"

namespace hallcast::display {
namespace {

struct SinkProps {
  std::string name;
  bool sync = true, qos = true;
};

std::vector<SinkProps> sinks_of(GstElement* sink) {
  std::vector<SinkProps> out;
  auto read = [&out](GstElement* e) {
    gboolean sync = TRUE, qos = TRUE;
    g_object_get(e, "sync", &sync, "qos", &qos, nullptr);
    gchar* name = gst_object_get_name(GST_OBJECT(e));
    out.push_back({name, sync == TRUE, qos == TRUE});
    g_free(name);
  };
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(sink), "sync") != nullptr) {
    read(sink);
    return out;
  }
  GstIterator* it = gst_bin_iterate_sinks(GST_BIN(sink));
  GValue item = G_VALUE_INIT;
  while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
    read(GST_ELEMENT(g_value_get_object(&item)));
    g_value_reset(&item);
  }
  g_value_unset(&item);
  gst_iterator_free(it);
  return out;
}

class PlayerSink : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { gst_init(nullptr, nullptr); }

  PlayerSink() {
    cfg_.path = "event.toml";
    cfg_.halls = {{"hoi-truong", "Hội trường hội thảo", "", {}}};
    config::Display d;
    d.id = "may-chieu";
    d.hall = "hoi-truong";
    cfg_.displays = {d};
    screen_ = resolve_screen(cfg_, "may-chieu");
    screen_.play_srt = screen_.play_relay = false;  // the standby layer only
  }

  std::vector<SinkProps> started_with(const std::string& sink) {
    PlayerOptions o;
    o.format = {320, 180};
    o.sink = sink;
    Player p(cfg_, screen_, o, media_);
    p.start();
    return sinks_of(p.video_sink());
  }

  config::Config cfg_;
  ScreenSettings screen_;
  RelayMedia media_;
};

TEST_F(PlayerSink, ASingleSinkRendersOnArrival) {
  auto sinks = started_with("fakevideosink");  // syncs and sends QoS by default
  ASSERT_EQ(sinks.size(), 1u);
  EXPECT_FALSE(sinks[0].sync);
  EXPECT_FALSE(sinks[0].qos);
}

TEST_F(PlayerSink, EverySinkOfADescriptionRendersOnArrival) {
  auto sinks = started_with(
      "identity ! tee name=t ! queue ! fakesink name=a t. ! queue ! "
      "fakesink name=b sync=true qos=true");
  ASSERT_EQ(sinks.size(), 2u);
  for (const auto& s : sinks) {
    EXPECT_FALSE(s.sync) << s.name;
    EXPECT_FALSE(s.qos) << s.name;
  }
}

}  // namespace
}  // namespace hallcast::display
