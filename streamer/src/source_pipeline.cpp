#include "hallcast/streamer/source_pipeline.hpp"

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>

#include "hallcast/common/logging.hpp"
#include "hallcast/common/text.hpp"
#include "hallcast/streamer/capture_time.hpp"
#include "hallcast/streamer/streamer_limits.hpp"

namespace hallcast::streamer {
namespace {

auto log() {
  return logging::get("streamer");
}

// A videorate that may duplicate frames holds each frame until the next one arrives (it needs
// it to decide): a whole frame of latency. The compositor already repeats a source's last frame
// when it runs slower than the program, so the source pipelines' videorates only drop.
void make_videorates_drop_only(GstElement* pipeline) {
  GstIterator* it = gst_bin_iterate_recurse(GST_BIN(pipeline));
  GValue item = G_VALUE_INIT;
  while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
    auto* e = GST_ELEMENT(g_value_get_object(&item));
    GstElementFactory* f = gst_element_get_factory(e);
    if (f && std::string_view(GST_OBJECT_NAME(f)) == "videorate")
      g_object_set(e, "drop-only", TRUE, nullptr);
    g_value_reset(&item);
  }
  g_value_unset(&item);
  gst_iterator_free(it);
}

}  // namespace

SourcePipeline::SourcePipeline(config::Source cfg, ProgramFormat fmt, Sinks sinks, ClockNow now,
                               Failure on_failure)
    : cfg_(std::move(cfg)),
      fmt_(fmt),
      now_(std::move(now)),
      on_failure_(std::move(on_failure)),
      video_tap_{this, sinks.video, true},
      audio_tap_{this, sinks.audio, false},
      time_map_(fmt.framerate) {}

SourcePipeline::~SourcePipeline() {
  stop();
}

bool SourcePipeline::start(std::string& error) {
  stop();
  std::string desc;
  try {
    desc = source_pipeline_desc(cfg_, fmt_);
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
  GError* raw = nullptr;
  GstElement* p = gst_parse_launch_full(desc.c_str(), nullptr, GST_PARSE_FLAG_FATAL_ERRORS, &raw);
  GErrorPtr err(raw);
  if (!p) {
    error = err ? err->message : "cannot build the pipeline";
    return false;
  }
  pipeline_.reset(p);
  gst_object_ref_sink(p);  // parse_launch returns a floating ref for the top-level bin
  gst_pipeline_use_clock(GST_PIPELINE(p), gst_system_clock_obtain());
  make_videorates_drop_only(p);
  if (auto label = child(p, "label"))
    g_object_set(label.get(), "text", text::escape_markup(cfg_.id).c_str(), nullptr);
  if (auto dec = child(p, "d"); dec && cfg_.kind == config::SourceKind::Rtsp)
    g_signal_connect(dec.get(), "source-setup", G_CALLBACK(&SourcePipeline::on_source_setup), this);
  connect_tap("video", &video_tap_);
  if (audio_tap_.dst) connect_tap("audio", &audio_tap_);
  {
    std::lock_guard lock(map_mu_);
    time_map_.reset();
  }
  last_buffer_us_ = 0;
  GstPtr<GstBus> bus(gst_element_get_bus(p));
  gst_bus_add_watch(bus.get(), &SourcePipeline::on_bus, this);
  if (gst_element_set_state(p, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    error = "cannot start (state change failed)";
    stop();
    return false;
  }
  return true;
}

void SourcePipeline::stop() {
  if (!pipeline_) return;
  GstPtr<GstBus> bus(gst_element_get_bus(pipeline_.get()));
  gst_bus_remove_watch(bus.get());
  gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
  pipeline_.reset();
  last_buffer_us_ = 0;
}

void SourcePipeline::connect_tap(const char* name, Tap* tap) {
  auto sink = child(pipeline_.get(), name);
  if (!sink) return;
  GstAppSinkCallbacks cb{};
  cb.new_sample = [](GstAppSink* s, gpointer t) { return on_sample(GST_ELEMENT(s), t); };
  gst_app_sink_set_callbacks(GST_APP_SINK(sink.get()), &cb, tap, nullptr);
}

void SourcePipeline::on_source_setup(GstElement*, GstElement* src, gpointer self) {
  auto* sp = static_cast<SourcePipeline*>(self);
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(src), "latency"))
    g_object_set(src, "latency", static_cast<guint>(sp->cfg_.latency_ms), nullptr);
}

GstFlowReturn SourcePipeline::on_sample(GstElement* sink, gpointer t) {
  auto* tap = static_cast<Tap*>(t);
  try {
    return tap->self->deliver(sink, tap->dst, tap->video);
  } catch (...) {
    return GST_FLOW_ERROR;  // never let an exception cross into GStreamer
  }
}

GstFlowReturn SourcePipeline::deliver(GstElement* sink, GstElement* dst, bool video) {
  GstSample* sample = gst_app_sink_pull_sample(GST_APP_SINK(sink));
  if (!sample) return GST_FLOW_FLUSHING;
  GstBuffer* buf = gst_sample_get_buffer(sample);
  const GstSegment* seg = gst_sample_get_segment(sample);
  if (frozen_.load() || !buf || !seg || !GST_BUFFER_PTS_IS_VALID(buf)) {
    gst_sample_unref(sample);
    return GST_FLOW_OK;
  }
  GstClockTime running = gst_segment_to_running_time(seg, GST_FORMAT_TIME, GST_BUFFER_PTS(buf));
  auto out = map_time(running, video);
  if (!out) {
    gst_sample_unref(sample);
    return GST_FLOW_OK;
  }
  // The capture time: when this source's clock read the buffer's running time (a live source
  // timestamps at capture), not when the buffer reached us or the encoder.
  auto captured = capture_time::wall_us_of(sink, running);
  bool stamp = video && captured && capture_time::stamping();
  // A shallow copy shares the memory with fresh metadata; a stamped one needs its own pixels.
  GstBuffer* copy = stamp ? gst_buffer_copy_deep(buf) : gst_buffer_copy(buf);
  if (stamp) capture_time::paint(copy, gst_sample_get_caps(sample), *captured);
  gst_sample_unref(sample);
  if (captured) capture_time::attach(copy, *captured);
  GST_BUFFER_PTS(copy) = *out;
  GST_BUFFER_DTS(copy) = GST_CLOCK_TIME_NONE;
  gst_app_src_push_buffer(GST_APP_SRC(dst), copy);
  last_buffer_us_.store(g_get_monotonic_time(), std::memory_order_relaxed);
  if (video) frames_.fetch_add(1, std::memory_order_relaxed);
  return GST_FLOW_OK;
}

// The buffer's time on the program's clock (TimeMap: anchored by the first video frame, settled
// during the first seconds, re-anchored on a big drift).
std::optional<GstClockTime> SourcePipeline::map_time(GstClockTime running, bool video) {
  auto now = now_();
  if (!now) return std::nullopt;
  std::lock_guard lock(map_mu_);
  auto out = time_map_.map(running, *now, video);
  if (auto shift = time_map_.take_settle_shift(*now))
    log()->info("source {}: started late, its timing moved {} ms earlier", cfg_.id,
                *shift / GST_MSECOND);
  return out;
}

gboolean SourcePipeline::on_bus(GstBus*, GstMessage* msg, gpointer self) {
  try {
    static_cast<SourcePipeline*>(self)->handle_bus(msg);
  } catch (const std::exception& e) {
    log()->error("source bus handler: {}", e.what());
  }
  return TRUE;
}

void SourcePipeline::handle_bus(GstMessage* msg) {
  switch (GST_MESSAGE_TYPE(msg)) {
    case GST_MESSAGE_ERROR: {
      GError* raw = nullptr;
      gchar* dbg = nullptr;
      gst_message_parse_error(msg, &raw, &dbg);
      GErrorPtr err(raw);
      GCharPtr debug(dbg);
      std::string what = err ? err->message : "error";
      log()->debug("source {} error detail: {}", cfg_.id, to_std(debug.get()));
      on_failure_(what);
      break;
    }
    case GST_MESSAGE_EOS:
      if (cfg_.kind == config::SourceKind::File && pipeline_) {
        // Loop the file: back to the start; the time map re-anchors on the jump.
        gst_element_seek_simple(
            pipeline_.get(), GST_FORMAT_TIME,
            static_cast<GstSeekFlags>(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT), 0);
      } else {
        on_failure_("end of stream");
      }
      break;
    default:
      break;
  }
}

}  // namespace hallcast::streamer
