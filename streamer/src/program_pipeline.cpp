#include "hallcast/streamer/program_pipeline.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>

#include "hallcast/common/logging.hpp"
#include "hallcast/common/text.hpp"
#include "hallcast/streamer/streamer_limits.hpp"

namespace hallcast::streamer {
namespace {

auto log() {
  return logging::get("streamer");
}

// The slate's background: a dark blue, never black, so "no picture" is always visibly the slate.
constexpr const char* kSlateColour = "0xff1b2a4a";
constexpr int kSafeAreaPercent = 5;

std::string ns(int ms) {
  return std::to_string(static_cast<int64_t>(ms) * 1000000);
}

}  // namespace

ProgramPipeline::ProgramPipeline(ProgramOptions opts, Fmp4Muxer::Output on_media,
                                 Playing on_playing, Failure on_failure)
    : opts_(std::move(opts)),
      on_playing_(std::move(on_playing)),
      on_failure_(std::move(on_failure)),
      muxer_(std::move(on_media), opts_.format.framerate) {}

ProgramPipeline::~ProgramPipeline() {
  stop();
  if (clock_) gst_object_unref(clock_);
}

std::string ProgramPipeline::describe() const {
  const auto& f = opts_.format;
  const auto& p = opts_.program;
  std::string vcaps = video_caps(f), acaps = audio_caps();
  std::string slate;
  if (!opts_.slate_image.empty() && std::filesystem::is_regular_file(opts_.slate_image)) {
    slate = "filesrc location=" + launch_quote(opts_.slate_image) +
            " ! decodebin ! videoconvert ! videoscale add-borders=true ! imagefreeze is-live=true"
            " ! videorate ! " +
            vcaps;
  } else {
    if (!opts_.slate_image.empty())
      log()->warn("slate image {} not found; plain slate", opts_.slate_image);
    slate = std::string("videotestsrc is-live=true pattern=solid-color foreground-color=") +
            kSlateColour + " ! " + vcaps;
  }
  slate +=
      " ! textoverlay name=slate_text valignment=center halignment=center line-alignment=center"
      " wrap-mode=wordchar font-desc=\"Sans Bold 20\" ! queue max-size-buffers=2 ! comp.";
  int pad_x = f.width * kSafeAreaPercent / 100, pad_y = f.height * kSafeAreaPercent / 100;
  std::string burn;
  if (p.burn_in) {
    burn =
        " ! textoverlay name=burn_title valignment=bottom halignment=left shaded-background=true"
        " font-desc=\"Sans Bold 14\" xpad=" +
        std::to_string(pad_x) + " ypad=" + std::to_string(pad_y * 4) +
        " ! textoverlay name=burn_caption valignment=bottom halignment=center line-alignment=center"
        " wrap-mode=wordchar shaded-background=true font-desc=\"Sans 14\" xpad=" +
        std::to_string(pad_x) + " ypad=" + std::to_string(pad_y);
  }
  int gop = std::max(1, p.keyframe_interval_ms * f.framerate / 1000);
  std::string lat = ns(limits::kMixLatencyMs);
  std::string d =
      slate + " compositor name=comp background=black latency=" + lat + " ! " + vcaps + burn +
      " ! queue max-size-buffers=3 ! x264enc name=venc tune=zerolatency speed-preset=veryfast "
      "bframes=0"
      " option-string=scenecut=0 key-int-max=" +
      std::to_string(gop) + " bitrate=" + std::to_string(p.video_bitrate_kbps) +
      " ! video/x-h264,profile=constrained-baseline ! tee name=vtee"
      " audiotestsrc is-live=true wave=silence ! " +
      acaps +
      " ! amix."
      " audiomixer name=amix latency=" +
      lat + " ! " + acaps;
  // The program's audio: AAC for the SRT output (its contract) and, unless the relay takes Opus,
  // for the relay too. Opus frames leave their encoder ~30 ms sooner (streamer_limits.hpp).
  const std::string aac =
      " ! audioconvert ! avenc_aac bitrate=" + std::to_string(p.audio_bitrate_kbps * 1000) +
      " ! tee name=atee";
  if (opts_.relay_audio == AudioCodec::Opus) {
    d += " ! tee name=amixed amixed. ! queue ! opusenc audio-type=restricted-lowdelay frame-size=" +
         std::to_string(limits::kOpusFrameMs) +
         " bitrate=" + std::to_string(p.audio_bitrate_kbps * 1000) +
         " ! appsink name=aout sync=false";
    if (!opts_.srt_listen.empty()) d += " amixed. ! queue" + aac;
  } else {
    d += aac +
         " atee. ! queue ! aacparse ! audio/mpeg,stream-format=raw ! appsink name=aout sync=false";
  }
  d += " vtee. ! queue ! h264parse ! video/x-h264,stream-format=avc,alignment=au"
       " ! appsink name=vout sync=false";
  if (!opts_.srt_listen.empty()) {
    std::string q = " ! queue leaky=downstream max-size-buffers=0 max-size-bytes=0 max-size-time=" +
                    ns(limits::kOutputQueueMs);
    // alignment=0: the muxer outputs each frame's packets as soon as it has muxed it (alignment=7
    // held each frame's last partial group until the next audio or video data filled it); the
    // output is cut into SRT-sized messages (at most 7 packets) on its way to srtsink, and the
    // audio reaches the muxer early on its time line so that the muxer, which interleaves by
    // time, never holds a video frame waiting for audio (program_outputs.cpp). No clock sync and
    // no waiting for a caller, so an absent or slow SRT peer never holds the program back.
    d += " vtee." + q +
         " ! h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au ! "
         "tsmux."
         " atee." +
         q +
         " ! aacparse name=ts_aparse ! tsmux."
         " mpegtsmux name=tsmux alignment=0 ! srtsink name=srtout uri=" +
         launch_quote("srt://" + opts_.srt_listen + "?mode=listener") +
         " latency=" + std::to_string(opts_.srt_latency_ms) +
         " wait-for-connection=false sync=false async=false";
  }
  return d;
}

void ProgramPipeline::start() {
  std::string desc = describe();
  log()->debug("program pipeline: {}", desc);
  GError* raw = nullptr;
  GstElement* p = gst_parse_launch_full(desc.c_str(), nullptr, GST_PARSE_FLAG_FATAL_ERRORS, &raw);
  GErrorPtr err(raw);
  if (!p)
    throw std::runtime_error(std::string("program pipeline: ") +
                             (err ? err->message : "cannot build"));
  gst_object_ref_sink(p);
  pipeline_.reset(p);
  clock_ = gst_system_clock_obtain();
  gst_pipeline_use_clock(GST_PIPELINE(p), clock_);
  if (!opts_.srt_passphrase.empty())
    if (auto srt = child(p, "srtout"))
      g_object_set(srt.get(), "passphrase", opts_.srt_passphrase.c_str(), nullptr);
  add_inputs();
  watch_input_times();
  connect_outputs();
  GstPtr<GstBus> bus(gst_element_get_bus(p));
  gst_bus_add_watch(bus.get(), &ProgramPipeline::on_bus, this);
  if (gst_element_set_state(p, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    throw std::runtime_error("program pipeline: cannot start (is the SRT port " + opts_.srt_listen +
                             " free?)");
}

void ProgramPipeline::add_inputs() {
  GstElement* p = pipeline_.get();
  auto comp = child(p, "comp");
  auto amix = child(p, "amix");
  auto caps_unref = [](GstCaps* c) { gst_caps_unref(c); };
  std::unique_ptr<GstCaps, decltype(caps_unref)> vcaps(
      gst_caps_from_string(video_caps(opts_.format).c_str()), caps_unref);
  std::unique_ptr<GstCaps, decltype(caps_unref)> acaps(gst_caps_from_string(audio_caps().c_str()),
                                                       caps_unref);
  auto make_src = [&](GstCaps* caps, GstElement* mixer, GstPad** pad_out) {
    GstElement* src = gst_element_factory_make("appsrc", nullptr);
    g_object_set(src, "is-live", TRUE, "format", GST_FORMAT_TIME, "caps", caps, "min-latency",
                 static_cast<gint64>(0), "max-buffers", static_cast<guint64>(0), "max-bytes",
                 static_cast<guint64>(0), "max-time",
                 static_cast<guint64>(limits::kSourceQueueMs * GST_MSECOND), "block", FALSE,
                 nullptr);
    gst_util_set_object_arg(G_OBJECT(src), "leaky-type", "downstream");
    gst_bin_add(GST_BIN(p), src);
    GstPad* sink = gst_element_request_pad_simple(mixer, "sink_%u");
    GstPtr<GstPad> srcpad(gst_element_get_static_pad(src, "src"));
    if (gst_pad_link(srcpad.get(), sink) != GST_PAD_LINK_OK)
      throw std::runtime_error("cannot link a source input");
    *pad_out = sink;
    return src;
  };
  for (size_t i = 0; i < opts_.source_audio.size(); ++i) {
    Input in;
    in.video = make_src(vcaps.get(), comp.get(), &in.video_pad);
    g_object_set(in.video_pad, "alpha", 0.0, "zorder", static_cast<guint>(1), nullptr);
    if (opts_.source_audio[i]) {
      in.audio = make_src(acaps.get(), amix.get(), &in.audio_pad);
      g_object_set(in.audio_pad, "volume", 0.0, nullptr);
    }
    inputs_.push_back(in);
  }
}

void ProgramPipeline::stop() {
  if (!pipeline_) return;
  GstElement* p = pipeline_.get();
  GstPtr<GstBus> bus(gst_element_get_bus(p));
  gst_bus_remove_watch(bus.get());
  if (announced_playing_) {
    gst_element_send_event(p, gst_event_new_eos());
    GstMessage* m = gst_bus_timed_pop_filtered(
        bus.get(), limits::kStopDrainMs * GST_MSECOND,
        static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
    if (!m) log()->warn("program: EOS did not drain within {} ms", limits::kStopDrainMs);
    if (m) gst_message_unref(m);
  }
  gst_element_set_state(p, GST_STATE_NULL);
  for (auto& in : inputs_) {
    if (in.video_pad) gst_object_unref(in.video_pad);
    if (in.audio_pad) gst_object_unref(in.audio_pad);
  }
  inputs_.clear();
  input_times_.clear();
  input_weight_.clear();
  primary_.store(-1);
  pipeline_.reset();
  base_time_ = GST_CLOCK_TIME_NONE;
}

std::optional<GstClockTime> ProgramPipeline::running_time_now() const {
  GstClockTime base = base_time_.load();
  if (!GST_CLOCK_TIME_IS_VALID(base) || !clock_) return std::nullopt;
  GstClockTime now = gst_clock_get_time(clock_);
  return now > base ? now - base : 0;
}

void ProgramPipeline::set_video_pad(size_t i, const PadGeometry& g, double alpha) {
  GstPad* pad = inputs_.at(i).video_pad;
  g_object_set(pad, "xpos", g.x, "ypos", g.y, "width", g.width, "height", g.height, "zorder",
               static_cast<guint>(g.zorder), "alpha", alpha, nullptr);
  if (i < input_weight_.size()) {
    input_weight_[i] = alpha * std::max(0, g.width) * std::max(0, g.height);
    update_primary();
  }
}

void ProgramPipeline::update_primary() {
  int best = -1;
  double best_weight = 0.0;
  for (size_t i = 0; i < input_weight_.size(); ++i)
    if (input_weight_[i] > best_weight) {
      best_weight = input_weight_[i];
      best = static_cast<int>(i);
    }
  primary_.store(best);
}

void ProgramPipeline::set_audio_volume(size_t i, double volume) {
  if (GstPad* pad = inputs_.at(i).audio_pad) g_object_set(pad, "volume", volume, nullptr);
}

void ProgramPipeline::set_slate_text(const std::string& plain_text) {
  if (!pipeline_) return;
  if (auto t = child(pipeline_.get(), "slate_text"))
    g_object_set(t.get(), "text", text::escape_markup(plain_text).c_str(), nullptr);
}

void ProgramPipeline::set_burn_in(const std::string& title, const std::string& caption) {
  if (!pipeline_) return;
  if (auto t = child(pipeline_.get(), "burn_title"))
    g_object_set(t.get(), "text", text::escape_markup(title).c_str(), nullptr);
  if (auto c = child(pipeline_.get(), "burn_caption"))
    g_object_set(c.get(), "text", text::escape_markup(caption).c_str(), nullptr);
}

namespace {

// One-shot probe on the compositor's output: the first frame composed after a switch carries a
// downstream force-key-unit event at its own running time just ahead of it, so the encoder makes
// exactly that frame a keyframe. (An upstream request from the encoder would key whatever frame
// it takes next: an older one still queued in front of it when the encoder is behind.)
GstPadProbeReturn key_next_frame(GstPad* pad, GstPadProbeInfo* info, gpointer count) {
  GstBuffer* buf = GST_PAD_PROBE_INFO_BUFFER(info);
  GstClockTime running = GST_CLOCK_TIME_NONE;
  if (GstEvent* ev = gst_pad_get_sticky_event(pad, GST_EVENT_SEGMENT, 0)) {
    const GstSegment* seg = nullptr;
    gst_event_parse_segment(ev, &seg);
    if (seg && seg->format == GST_FORMAT_TIME)
      running = gst_segment_to_running_time(seg, GST_FORMAT_TIME, GST_BUFFER_PTS(buf));
    gst_event_unref(ev);
  }
  gst_pad_push_event(
      pad, gst_video_event_new_downstream_force_key_unit(GST_BUFFER_PTS(buf), GST_CLOCK_TIME_NONE,
                                                         running, TRUE, GPOINTER_TO_UINT(count)));
  return GST_PAD_PROBE_REMOVE;
}

}  // namespace

void ProgramPipeline::force_keyframe() {
  if (!pipeline_) return;
  ++key_requests_;
  if (auto comp = child(pipeline_.get(), "comp")) {
    GstPtr<GstPad> out(gst_element_get_static_pad(comp.get(), "src"));
    gst_pad_add_probe(out.get(), GST_PAD_PROBE_TYPE_BUFFER, key_next_frame,
                      GUINT_TO_POINTER(key_requests_), nullptr);
    return;
  }
  auto enc = child(pipeline_.get(), "venc");
  GstPtr<GstPad> src(gst_element_get_static_pad(enc.get(), "src"));
  gst_pad_send_event(src.get(), gst_video_event_new_upstream_force_key_unit(GST_CLOCK_TIME_NONE,
                                                                            TRUE, key_requests_));
}

gboolean ProgramPipeline::on_bus(GstBus*, GstMessage* msg, gpointer self) {
  try {
    static_cast<ProgramPipeline*>(self)->handle_bus(msg);
  } catch (const std::exception& e) {
    log()->error("program bus handler: {}", e.what());
  }
  return TRUE;
}

void ProgramPipeline::handle_bus(GstMessage* msg) {
  switch (GST_MESSAGE_TYPE(msg)) {
    case GST_MESSAGE_STATE_CHANGED: {
      if (GST_MESSAGE_SRC(msg) != GST_OBJECT(pipeline_.get())) break;
      GstState old_state, new_state;
      gst_message_parse_state_changed(msg, &old_state, &new_state, nullptr);
      if (new_state == GST_STATE_PLAYING && !announced_playing_) {
        base_time_ = gst_element_get_base_time(pipeline_.get());
        announced_playing_ = true;
        on_playing_();
      }
      break;
    }
    case GST_MESSAGE_ERROR: {
      GError* raw = nullptr;
      gchar* dbg = nullptr;
      gst_message_parse_error(msg, &raw, &dbg);
      GErrorPtr err(raw);
      GCharPtr debug(dbg);
      std::string what = std::string(err ? err->message : "error") + " (" +
                         to_std(GST_OBJECT_NAME(GST_MESSAGE_SRC(msg))) + ")";
      log()->debug("program error detail: {}", to_std(debug.get()));
      on_failure_(what);
      break;
    }
    case GST_MESSAGE_WARNING: {
      GError* raw = nullptr;
      gst_message_parse_warning(msg, &raw, nullptr);
      GErrorPtr err(raw);
      log()->warn("program: {}", err ? err->message : "warning");
      break;
    }
    default:
      break;
  }
}

}  // namespace hallcast::streamer
