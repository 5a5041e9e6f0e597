#include "hallcast/streamer/program_stats.hpp"

#include <string>

#include "hallcast/common/logging.hpp"

namespace hallcast::streamer {
namespace {

// A gap this many frame durations long (or more) counts as missing frames; below it is jitter.
constexpr double kGapFrames = 1.5;
// A jump this long is a discontinuity (a clock step, a restart), not frames the encoder lost.
constexpr GstClockTime kMaxGap = 10 * GST_SECOND;

bool is_leaky_queue(GstElement* e) {
  GstElementFactory* f = gst_element_get_factory(e);
  if (!f || std::string(GST_OBJECT_NAME(f)) != "queue") return false;
  gint leaky = 0;
  g_object_get(e, "leaky", &leaky, nullptr);
  return leaky != 0;
}

}  // namespace

void ProgramStats::attach(GstElement* pipeline, int framerate) {
  detach();
  frame_ns_ = framerate > 0 ? GST_SECOND / static_cast<GstClockTime>(framerate) : 0;
  last_pts_ = GST_CLOCK_TIME_NONE;
  auto hook = [this](GstElement* e, const char* signal, GCallback cb) {
    gst_object_ref(e);
    hooks_.push_back(Hook{e, g_signal_connect(e, signal, cb, this)});
  };
  GstIterator* it = gst_bin_iterate_recurse(GST_BIN(pipeline));
  GValue item = G_VALUE_INIT;
  while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
    auto* e = GST_ELEMENT(g_value_get_object(&item));
    if (is_leaky_queue(e)) hook(e, "overrun", G_CALLBACK(&ProgramStats::on_overrun));
    g_value_reset(&item);
  }
  g_value_unset(&item);
  gst_iterator_free(it);
  if (GstElement* srt = gst_bin_get_by_name(GST_BIN(pipeline), "srtout")) {
    hook(srt, "caller-added", G_CALLBACK(&ProgramStats::on_caller_added));
    hook(srt, "caller-removed", G_CALLBACK(&ProgramStats::on_caller_removed));
    gst_object_unref(srt);
  }
  if (GstElement* enc = gst_bin_get_by_name(GST_BIN(pipeline), "venc")) {
    probe_pad_ = gst_element_get_static_pad(enc, "sink");
    if (probe_pad_)
      probe_id_ = gst_pad_add_probe(probe_pad_, GST_PAD_PROBE_TYPE_BUFFER,
                                    &ProgramStats::on_encoder_input, this, nullptr);
    gst_object_unref(enc);
  }
}

void ProgramStats::detach() {
  for (auto& h : hooks_) {
    g_signal_handler_disconnect(h.element, h.handler);
    gst_object_unref(h.element);
  }
  hooks_.clear();
  if (probe_pad_) {
    if (probe_id_) gst_pad_remove_probe(probe_pad_, probe_id_);
    gst_object_unref(probe_pad_);
  }
  probe_pad_ = nullptr;
  probe_id_ = 0;
}

GstPadProbeReturn ProgramStats::on_encoder_input(GstPad*, GstPadProbeInfo* info, gpointer self) {
  auto* st = static_cast<ProgramStats*>(self);
  GstBuffer* buf = GST_PAD_PROBE_INFO_BUFFER(info);
  if (!buf || !GST_BUFFER_PTS_IS_VALID(buf) || st->frame_ns_ == 0) return GST_PAD_PROBE_OK;
  GstClockTime pts = GST_BUFFER_PTS(buf);
  GstClockTime last = st->last_pts_;
  st->last_pts_ = pts;
  if (!GST_CLOCK_TIME_IS_VALID(last) || pts <= last || pts - last > kMaxGap)
    return GST_PAD_PROBE_OK;
  double frames = static_cast<double>(pts - last) / static_cast<double>(st->frame_ns_);
  if (frames >= kGapFrames)
    st->timeline_gaps_.fetch_add(static_cast<uint64_t>(frames + 0.5) - 1,
                                 std::memory_order_relaxed);
  return GST_PAD_PROBE_OK;
}

void ProgramStats::on_overrun(GstElement*, gpointer self) {
  static_cast<ProgramStats*>(self)->output_drops_.fetch_add(1, std::memory_order_relaxed);
}

void ProgramStats::on_caller_added(GstElement*, gint, gpointer, gpointer self) {
  static_cast<ProgramStats*>(self)->srt_clients_.fetch_add(1);
  logging::get("streamer")->info("SRT client connected");
}

void ProgramStats::on_caller_removed(GstElement*, gint, gpointer, gpointer self) {
  auto* st = static_cast<ProgramStats*>(self);
  if (st->srt_clients_.fetch_sub(1) <= 0) st->srt_clients_.store(0);
  logging::get("streamer")->info("SRT client gone");
}

}  // namespace hallcast::streamer
