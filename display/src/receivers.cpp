#include "hallcast/display/receivers.hpp"

#include <gst/app/gstappsrc.h>

#include "hallcast/common/logging.hpp"
#include "hallcast/display/limits.hpp"

namespace hallcast::display {
namespace {

std::string tail(VideoFormat fmt) {
  // Scale into the screen keeping the aspect ratio (borders in the standby colour would need a
  // compositor; black bars are what TVs show anyway). The leaky queue drops the oldest frame if
  // the renderer falls behind: the screen catches up instead of drifting.
  return " ! videoconvert ! videoscale add-borders=true"
         " ! video/x-raw,format=I420,pixel-aspect-ratio=1/1,width=" +
         std::to_string(fmt.width) + ",height=" + std::to_string(fmt.height) +
         " ! queue name=out leaky=downstream max-size-time=0 max-size-bytes=0 max-size-buffers=" +
         std::to_string(limits::kQueueMaxBuffers);
}

GstElement* parse_bin(const std::string& description) {
  GError* error = nullptr;
  GstElement* bin = gst_parse_bin_from_description(description.c_str(), FALSE, &error);
  if (bin == nullptr) {
    std::string why = error != nullptr ? error->message : "unknown error";
    g_clear_error(&error);
    throw std::runtime_error("cannot build receiver: " + why);
  }
  g_clear_error(&error);  // a warning (e.g. a missing optional element) is not fatal
  return bin;
}

void add_ghost_src(GstElement* bin) {
  GstElement* out = gst_bin_get_by_name(GST_BIN(bin), "out");
  GstPad* pad = gst_element_get_static_pad(out, "src");
  gst_element_add_pad(bin, gst_ghost_pad_new("src", pad));
  gst_object_unref(pad);
  gst_object_unref(out);
}

}  // namespace

const char* to_string(InputKind kind) {
  return kind == InputKind::Srt ? "srt" : "relay";
}

Receiver::Receiver(InputKind kind, GstElement* bin)
    : kind_(kind), bin_(bin), created_us_(g_get_monotonic_time()) {}

Receiver::~Receiver() {
  if (appsrc_ != nullptr) gst_object_unref(appsrc_);
  if (clocksync_ != nullptr) gst_object_unref(clocksync_);
  gst_object_unref(bin_);
}

std::unique_ptr<Receiver> Receiver::make_srt(const SrtInput& in, VideoFormat fmt) {
  // tsdemux latency=0: its default adds ~700 ms. capssetter alignment=au: tsdemux marks no
  // alignment, so h264parse would otherwise hold each frame until the next one arrives.
  std::string desc =
      "srtsrc name=src mode=caller ! tsdemux latency=0 name=demux "
      "demux. ! video/x-h264 ! capssetter caps=video/x-h264,alignment=au ! h264parse "
      "! avdec_h264 thread-type=slice" +
      tail(fmt);
  GstElement* bin = parse_bin(desc);
  gst_object_ref_sink(bin);
  GstElement* src = gst_bin_get_by_name(GST_BIN(bin), "src");
  // One retry policy (the player's back-off), not srtsrc's own reconnect loop as well.
  g_object_set(src, "uri", in.url.c_str(), "latency", in.latency_ms, "auto-reconnect", FALSE,
               nullptr);
  if (!in.passphrase.empty()) g_object_set(src, "passphrase", in.passphrase.c_str(), nullptr);
  gst_object_unref(src);
  add_ghost_src(bin);
  std::unique_ptr<Receiver> r(new Receiver(InputKind::Srt, bin));
  r->attach_output_probe();
  return r;
}

std::unique_ptr<Receiver> Receiver::make_relay(VideoFormat fmt, int64_t playout_delay_ns,
                                               int64_t resync_ns) {
  std::string desc =
      "appsrc name=src is-live=true format=time caps=video/quicktime ! qtdemux name=demux "
      "demux. ! video/x-h264 ! h264parse ! avdec_h264 thread-type=slice "
      "! clocksync name=sync sync=true" +
      tail(fmt);
  GstElement* bin = parse_bin(desc);
  gst_object_ref_sink(bin);
  std::unique_ptr<Receiver> r(new Receiver(InputKind::Relay, bin));
  r->appsrc_ = gst_bin_get_by_name(GST_BIN(bin), "src");
  g_object_set(r->appsrc_, "max-bytes", guint64(limits::kAppsrcMaxBytes), "block", FALSE, nullptr);
  gst_util_set_object_arg(G_OBJECT(r->appsrc_), "leaky-type", "downstream");  // bounded
  r->clocksync_ = gst_bin_get_by_name(GST_BIN(bin), "sync");
  r->playout_ = std::make_unique<PlayoutClock>(playout_delay_ns, resync_ns);
  GstPad* sink = gst_element_get_static_pad(r->clocksync_, "sink");
  gst_pad_add_probe(sink, GST_PAD_PROBE_TYPE_BUFFER, &Receiver::on_schedule, r.get(), nullptr);
  gst_object_unref(sink);
  add_ghost_src(bin);
  r->attach_output_probe();
  return r;
}

void Receiver::attach_output_probe() {
  GstElement* out = gst_bin_get_by_name(GST_BIN(bin_), "out");
  GstPad* pad = gst_element_get_static_pad(out, "src");
  gst_pad_add_probe(
      pad, GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
      &Receiver::on_output, this, nullptr);
  gst_object_unref(pad);
  gst_object_unref(out);
}

// Streaming thread. Counts frames; keeps EOS inside the branch (a lost input must never end the
// screen's pipeline; the player notices the silence and rebuilds the branch).
GstPadProbeReturn Receiver::on_output(GstPad*, GstPadProbeInfo* info, gpointer self) {
  auto* r = static_cast<Receiver*>(self);
  if ((info->type & GST_PAD_PROBE_TYPE_BUFFER) != 0) {
    r->frames_.fetch_add(1);
    r->last_frame_us_.store(g_get_monotonic_time());
    return GST_PAD_PROBE_OK;
  }
  GstEvent* event = GST_PAD_PROBE_INFO_EVENT(info);
  if (event != nullptr && GST_EVENT_TYPE(event) == GST_EVENT_EOS) return GST_PAD_PROBE_DROP;
  return GST_PAD_PROBE_OK;
}

// Streaming thread of the relay branch: retime each decoded frame onto the local clock.
GstPadProbeReturn Receiver::on_schedule(GstPad* pad, GstPadProbeInfo* info, gpointer self) {
  auto* r = static_cast<Receiver*>(self);
  GstBuffer* buf = GST_PAD_PROBE_INFO_BUFFER(info);
  GstClock* clock = gst_element_get_clock(r->clocksync_);
  if (buf == nullptr || clock == nullptr || !GST_BUFFER_PTS_IS_VALID(buf)) {
    if (clock != nullptr) gst_object_unref(clock);
    return GST_PAD_PROBE_OK;
  }
  GstEvent* seg_event = gst_pad_get_sticky_event(pad, GST_EVENT_SEGMENT, 0);
  if (seg_event != nullptr) {
    const GstSegment* seg = nullptr;
    gst_event_parse_segment(seg_event, &seg);
    guint64 media_rt = gst_segment_to_running_time(seg, GST_FORMAT_TIME, GST_BUFFER_PTS(buf));
    GstClockTime now = gst_clock_get_time(clock);
    GstClockTime base = gst_element_get_base_time(r->clocksync_);
    if (media_rt != GST_CLOCK_TIME_NONE && now >= base) {
      int64_t offset = r->playout_->offset_for(int64_t(media_rt), int64_t(now - base));
      g_object_set(r->clocksync_, "ts-offset", gint64(offset), nullptr);
    }
    gst_event_unref(seg_event);
  }
  gst_object_unref(clock);
  return GST_PAD_PROBE_OK;
}

bool Receiver::push(std::span<const uint8_t> fmp4) {
  if (appsrc_ == nullptr || fmp4.empty()) return false;
  GstBuffer* buf = gst_buffer_new_memdup(fmp4.data(), fmp4.size());
  return gst_app_src_push_buffer(GST_APP_SRC(appsrc_), buf) == GST_FLOW_OK;
}

}  // namespace hallcast::display
