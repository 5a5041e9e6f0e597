#include "hallcast/display/player.hpp"

#include <cstdio>
#include <stdexcept>

#include <gst/video/video.h>
#include <gst/video/videooverlay.h>

#include "hallcast/common/logging.hpp"
#include "hallcast/display/limits.hpp"

namespace hallcast::display {
namespace {

constexpr int64_t kMs = 1000;                       // µs per ms
constexpr const char* kStandbyArgb = "0xFF0B1F3A";  // dark blue: never black

std::shared_ptr<spdlog::logger> log() {
  return logging::get("display");
}

std::string pipeline_description(VideoFormat f) {
  const std::string size =
      "width=" + std::to_string(f.width) + ",height=" + std::to_string(f.height);
  return std::string(
             "videotestsrc name=standby is-live=true pattern=solid-color foreground-color=") +
         kStandbyArgb + " ! video/x-raw,format=I420,pixel-aspect-ratio=1/1,framerate=10/1," + size +
         " ! textoverlay name=sb_event ! textoverlay name=sb_session ! textoverlay name=sb_clock"
         " ! queue leaky=downstream max-size-buffers=2 max-size-time=0 max-size-bytes=0"
         " ! sel.sink_0 input-selector name=sel sync-streams=false"
         " ! textoverlay name=ov_title ! textoverlay name=ov_lower ! textoverlay name=ov_caption"
         " ! textoverlay name=ov_corner ! videoconvert name=conv";
}

void set_if_exists(GstElement* e, const char* prop, gboolean value) {
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(e), prop) != nullptr) {
    g_object_set(e, prop, value, nullptr);
  }
}

// The sink itself (glimagesink, a bin, forwards its own properties), else every sink of a sink
// given as a pipeline description.
void set_on_sinks(GstElement* sink, const char* prop, gboolean value) {
  if (!GST_IS_BIN(sink) || g_object_class_find_property(G_OBJECT_GET_CLASS(sink), prop)) {
    set_if_exists(sink, prop, value);
    return;
  }
  struct Setting {
    const char* prop;
    gboolean value;
  } setting{prop, value};
  GstIterator* it = gst_bin_iterate_sinks(GST_BIN(sink));
  gst_iterator_foreach(
      it,
      [](const GValue* item, gpointer data) {
        auto* s = static_cast<Setting*>(data);
        set_if_exists(GST_ELEMENT(g_value_get_object(item)), s->prop, s->value);
      },
      &setting);
  gst_iterator_free(it);
}

void sync_state_async(GstElement* bin, gpointer) {
  gst_element_sync_state_with_parent(bin);
}

void stop_async(GstElement* bin, gpointer) {
  gst_element_set_state(bin, GST_STATE_NULL);
}

void delete_receiver(gpointer r) {
  delete static_cast<Receiver*>(r);
}

}  // namespace

const char* to_string(Showing s) {
  switch (s) {
    case Showing::Standby:
      return "standby";
    case Showing::Srt:
      return "video srt";
    case Showing::Relay:
      return "video relay";
    default:
      return "nothing";
  }
}

Player::Player(const config::Config& cfg, const ScreenSettings& screen, PlayerOptions options,
               const RelayMedia& relay_media)
    : cfg_(cfg),
      screen_(screen),
      options_(std::move(options)),
      srt_backoff_(limits::kRetryInitialMs, limits::kRetryMaxMs),
      relay_backoff_(limits::kRetryInitialMs, limits::kRetryMaxMs),
      relay_media_(relay_media) {}

Player::~Player() {
  if (bus_watch_ != 0) g_source_remove(bus_watch_);
  if (pipeline_ != nullptr) {
    gst_element_set_state(pipeline_, GST_STATE_NULL);
    srt_.reset();
    relay_.reset();
    overlays_.reset();
    if (standby_pad_ != nullptr) gst_object_unref(standby_pad_);
    if (selector_ != nullptr) gst_object_unref(selector_);
    gst_object_unref(pipeline_);
  }
}

GstElement* Player::make_sink() {
  std::string desc = options_.sink;
  if (desc.empty() || desc == "auto") desc = options_.x11 ? "ximagesink" : "kmssink";
  GError* error = nullptr;
  GstElement* sink = desc.find(' ') == std::string::npos && desc.find('!') == std::string::npos
                         ? gst_element_factory_make(desc.c_str(), "sink")
                         : gst_parse_bin_from_description(desc.c_str(), TRUE, &error);
  if (sink == nullptr) {
    std::string why = error != nullptr ? error->message : "no such element";
    g_clear_error(&error);
    throw std::runtime_error("video sink '" + desc + "': " + why);
  }
  // Every input paces itself (SRT by its latency window, the relay branch by its clocksync, the
  // standby layer by the clock), so the sink renders on arrival: no second wait, no drift. The
  // same holds for every sink of a description (`identity ! ximagesink`).
  set_on_sinks(sink, "sync", FALSE);
  set_on_sinks(sink, "qos", FALSE);
  set_on_sinks(sink, "force-aspect-ratio", TRUE);
  log()->info("video sink {}", desc);
  return sink;
}

void Player::start() {
  GError* error = nullptr;
  pipeline_ = gst_parse_launch(pipeline_description(options_.format).c_str(), &error);
  if (pipeline_ == nullptr || error != nullptr) {
    std::string why = error != nullptr ? error->message : "unknown";
    g_clear_error(&error);
    throw std::runtime_error("cannot build the display pipeline: " + why);
  }
  gst_object_ref_sink(pipeline_);
  selector_ = gst_bin_get_by_name(GST_BIN(pipeline_), "sel");
  standby_pad_ = gst_element_get_static_pad(selector_, "sink_0");
  sink_ = make_sink();
  gst_bin_add(GST_BIN(pipeline_), sink_);
  GstElement* conv = gst_bin_get_by_name(GST_BIN(pipeline_), "conv");
  const bool linked = gst_element_link(conv, sink_);
  gst_object_unref(conv);
  if (!linked) throw std::runtime_error("cannot link the video sink");
  overlays_ = std::make_unique<Overlays>(cfg_, screen_, GST_BIN(pipeline_), options_.format.width,
                                         options_.format.height);
  GstBus* bus = gst_element_get_bus(pipeline_);
  gst_bus_set_sync_handler(bus, &Player::on_bus_sync, this, nullptr);
  bus_watch_ = gst_bus_add_watch(bus, &Player::on_bus, this);
  gst_object_unref(bus);
  g_object_set(selector_, "active-pad", standby_pad_, nullptr);
  if (gst_element_set_state(pipeline_, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    throw std::runtime_error("the display pipeline does not start (video sink unusable?)");
  }
}

// Streaming threads: hand our window to the sink when it asks.
GstBusSyncReply Player::on_bus_sync(GstBus*, GstMessage* msg, gpointer self) {
  auto* p = static_cast<Player*>(self);
  if (p->options_.window != 0 && gst_is_video_overlay_prepare_window_handle_message(msg)) {
    gst_video_overlay_set_window_handle(GST_VIDEO_OVERLAY(GST_MESSAGE_SRC(msg)),
                                        p->options_.window);
    gst_message_unref(msg);
    return GST_BUS_DROP;
  }
  return GST_BUS_PASS;
}

gboolean Player::on_bus(GstBus*, GstMessage* msg, gpointer self) {
  try {
    static_cast<Player*>(self)->handle_bus(msg);
  } catch (const std::exception& e) {
    log()->error("bus message: {}", e.what());
  }
  return G_SOURCE_CONTINUE;
}

void Player::handle_bus(GstMessage* msg) {
  switch (GST_MESSAGE_TYPE(msg)) {
    case GST_MESSAGE_ERROR:
    case GST_MESSAGE_WARNING: {
      GError* err = nullptr;
      gchar* dbg = nullptr;
      const bool is_error = GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR;
      if (is_error)
        gst_message_parse_error(msg, &err, &dbg);
      else
        gst_message_parse_warning(msg, &err, &dbg);
      std::string what = err != nullptr ? err->message : "?";
      g_clear_error(&err);
      g_free(dbg);
      for (auto* slot : {&srt_, &relay_}) {
        if (*slot && gst_object_has_as_ancestor(GST_MESSAGE_SRC(msg), GST_OBJECT((*slot)->bin()))) {
          if (is_error && !(*slot)->failed) {
            log()->warn("{} input: {}", to_string((*slot)->kind()), what);
            (*slot)->failed = true;
          }
          return;
        }
      }
      // A message still queued from an input already dropped (its bin left the pipeline): the
      // input's loss was handled; it must not rebuild the pipeline (and its other input).
      if (!gst_object_has_as_ancestor(GST_MESSAGE_SRC(msg), GST_OBJECT(pipeline_))) {
        log()->debug("{} from a dropped input ({}): {}", is_error ? "error" : "warning",
                     GST_MESSAGE_SRC_NAME(msg), what);
        return;
      }
      if (is_error) {
        log()->error("pipeline error from {}: {}", GST_MESSAGE_SRC_NAME(msg), what);
        failed_ = true;
      } else {
        log()->warn("pipeline warning from {}: {}", GST_MESSAGE_SRC_NAME(msg), what);
      }
      break;
    }
    case GST_MESSAGE_LATENCY:
      gst_bin_recalculate_latency(GST_BIN(pipeline_));
      break;
    default:
      break;
  }
}

void Player::attach(std::unique_ptr<Receiver>& slot, std::unique_ptr<Receiver> r) {
  GstElement* bin = r->bin();
  gst_bin_add(GST_BIN(pipeline_), bin);
  GstPad* sel_pad = gst_element_request_pad_simple(selector_, "sink_%u");
  GstPad* src = gst_element_get_static_pad(bin, "src");
  GstPadLinkReturn linked = gst_pad_link(src, sel_pad);
  gst_object_unref(src);
  gst_object_unref(sel_pad);
  if (linked != GST_PAD_LINK_OK) {
    log()->error("cannot link the {} input ({})", to_string(r->kind()), int(linked));
  }
  log()->info("{} input: connecting", to_string(r->kind()));
  // srtsrc connects while it starts: let a GStreamer thread wait for it, not the main loop.
  gst_element_call_async(bin, sync_state_async, nullptr, nullptr);
  slot = std::move(r);
}

void Player::detach(std::unique_ptr<Receiver>& slot, const char* why) {
  if (!slot) return;
  GstElement* bin = slot->bin();
  log()->info("{} input: dropped ({})", to_string(slot->kind()), why);
  GstPad* src = gst_element_get_static_pad(bin, "src");
  GstPad* sel_pad = gst_pad_get_peer(src);
  gst_object_unref(src);
  if (sel_pad != nullptr) {
    GstPad* active = nullptr;
    g_object_get(selector_, "active-pad", &active, nullptr);
    if (active == sel_pad) g_object_set(selector_, "active-pad", standby_pad_, nullptr);
    if (active != nullptr) gst_object_unref(active);
  }
  gst_bin_remove(GST_BIN(pipeline_), bin);  // the receiver keeps its own reference
  if (sel_pad != nullptr) {
    gst_element_release_request_pad(selector_, sel_pad);
    gst_object_unref(sel_pad);
  }
  // Stopping may wait on the network; the receiver (whose probes the streaming threads still
  // use) lives until the bin is stopped.
  gst_element_call_async(bin, stop_async, slot.release(), delete_receiver);
}

bool Player::healthy(const Receiver* r, int64_t now_us) const {
  return r != nullptr && !r->failed && r->frames() > 0 &&
         now_us - r->last_frame_us() < limits::kLossTimeoutMs * kMs;
}

void Player::check_lost(std::unique_ptr<Receiver>& slot, int64_t now_us, Backoff& backoff,
                        int64_t& retry_at_us) {
  if (!slot) return;
  const char* why = nullptr;
  if (slot->failed)
    why = "error";
  else if (slot->frames() == 0 && now_us - slot->created_us() > limits::kConnectTimeoutMs * kMs)
    why = "no picture";
  else if (slot->frames() > 0 && now_us - slot->last_frame_us() > limits::kLossTimeoutMs * kMs)
    why = "stream lost";
  if (slot->frames() > 0 && why == nullptr) backoff.reset();
  if (why == nullptr) return;
  detach(slot, why);
  int delay = backoff.next_ms();
  retry_at_us = now_us + delay * kMs;
  log()->info("retrying in {} ms", delay);
}

}  // namespace hallcast::display
