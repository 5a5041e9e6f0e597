// ProgramPipeline's output taps: encoded video/audio appsinks -> Fmp4Muxer, and the capture-time
// bookkeeping: each source frame's capture time (capture_time.hpp) is noted as it enters the
// compositor, and each program frame entering the encoder takes the capture time of the input
// it shows, which the fMP4 fragment header then carries. And the SRT output's TS, cut into SRT
// messages as it leaves mpegtsmux with the audio's PES times restored (docs/latency.md).
#include <gst/app/gstappsink.h>

#include <algorithm>
#include <vector>

#include "hallcast/common/logging.hpp"
#include "hallcast/streamer/capture_time.hpp"
#include "hallcast/streamer/program_pipeline.hpp"
#include "hallcast/streamer/streamer_limits.hpp"

namespace hallcast::streamer {
namespace {

std::vector<uint8_t> buffer_bytes(GstBuffer* b) {
  GstMapInfo map;
  if (!b || !gst_buffer_map(b, &map, GST_MAP_READ)) return {};
  std::vector<uint8_t> out(map.data, map.data + map.size);
  gst_buffer_unmap(b, &map);
  return out;
}

// The decoder configuration carried in caps (avcC for H.264 avc, AudioSpecificConfig for AAC).
std::vector<uint8_t> codec_data(GstCaps* caps) {
  if (!caps || gst_caps_get_size(caps) == 0) return {};
  const GValue* v = gst_structure_get_value(gst_caps_get_structure(caps, 0), "codec_data");
  if (!v || !GST_VALUE_HOLDS_BUFFER(v)) return {};
  return buffer_bytes(gst_value_get_buffer(v));
}

// opusenc's caps carry the OpusHead (what MP4's dOps box is made from) as the first of their
// streamheader buffers.
std::vector<uint8_t> opus_head(GstCaps* caps) {
  if (!caps || gst_caps_get_size(caps) == 0) return {};
  const GValue* v = gst_structure_get_value(gst_caps_get_structure(caps, 0), "streamheader");
  if (!v || !GST_VALUE_HOLDS_ARRAY(v) || gst_value_array_get_size(v) == 0) return {};
  const GValue* head = gst_value_array_get_value(v, 0);
  return GST_VALUE_HOLDS_BUFFER(head) ? buffer_bytes(gst_value_get_buffer(head))
                                      : std::vector<uint8_t>{};
}

int caps_int(GstCaps* caps, const char* field) {
  int v = 0;
  if (caps && gst_caps_get_size(caps) > 0)
    gst_structure_get_int(gst_caps_get_structure(caps, 0), field, &v);
  return v;
}

template <typename F>
GstFlowReturn with_sample(GstElement* sink, F&& f) {
  GstSample* sample = gst_app_sink_pull_sample(GST_APP_SINK(sink));
  if (!sample) return GST_FLOW_FLUSHING;
  GstBuffer* buf = gst_sample_get_buffer(sample);
  GstMapInfo map;
  if (buf && GST_BUFFER_PTS_IS_VALID(buf) && gst_buffer_map(buf, &map, GST_MAP_READ)) {
    // Running time, not PTS: x264enc shifts its output PTS (and segment) by 1000 hours.
    GstClockTime running = GST_BUFFER_PTS(buf);
    if (const GstSegment* seg = gst_sample_get_segment(sample))
      running = gst_segment_to_running_time(seg, GST_FORMAT_TIME, running);
    try {
      if (GST_CLOCK_TIME_IS_VALID(running))
        f(gst_sample_get_caps(sample), buf, running, std::span<const uint8_t>(map.data, map.size));
    } catch (const std::exception& e) {
      logging::get("streamer")->error("program output: {}", e.what());
    }
    gst_buffer_unmap(buf, &map);
  }
  gst_sample_unref(sample);
  return GST_FLOW_OK;
}

// --- SRT output: MPEG-TS from mpegtsmux alignment=0 to srtsink -------------------------------

constexpr size_t kTsPacket = 188;
constexpr uint64_t kPtsWrap = uint64_t{1} << 33;
constexpr uint64_t kAudioLead90k = uint64_t{limits::kTsAudioLeadMs} * 90;

uint64_t read_pes_time(const uint8_t* t) {
  auto at = [t](int i) { return static_cast<uint64_t>(t[i]); };
  return (((at(0) >> 1) & 0x07) << 30) | (at(1) << 22) | ((at(2) >> 1) << 15) | (at(3) << 7) |
         (at(4) >> 1);
}

void write_pes_time(uint8_t* t, uint64_t v) {  // keeps the 4-bit prefix and the marker bits
  t[0] = static_cast<uint8_t>((t[0] & 0xF0) | ((v >> 29) & 0x0E) | 1);
  t[1] = static_cast<uint8_t>(v >> 22);
  t[2] = static_cast<uint8_t>(((v >> 14) & 0xFE) | 1);
  t[3] = static_cast<uint8_t>(v >> 7);
  t[4] = static_cast<uint8_t>(((v << 1) & 0xFE) | 1);
}

// Moves the PTS/DTS of every audio PES starting in these TS packets back by the audio lead.
void restore_audio_times(uint8_t* data, size_t size) {
  for (size_t o = 0; o + kTsPacket <= size; o += kTsPacket) {
    uint8_t* b = data + o;
    if (b[0] != 0x47 || !(b[1] & 0x40) || !(b[3] & 0x10)) continue;  // sync, PUSI, payload
    size_t p = 4 + ((b[3] & 0x20) ? 1u + b[4] : 0u);
    if (p + 19 > kTsPacket || b[p] != 0 || b[p + 1] != 0 || b[p + 2] != 1) continue;
    if ((b[p + 3] & 0xE0) != 0xC0) continue;  // stream_id 0xC0-0xDF: audio
    int flags = b[p + 7] >> 6;                // 2: PTS, 3: PTS and DTS
    for (int i = 0; i < (flags == 3 ? 2 : flags == 2 ? 1 : 0); ++i) {
      uint8_t* t = b + p + 9 + 5 * i;
      write_pes_time(t, (read_pes_time(t) + kPtsWrap - kAudioLead90k) % kPtsWrap);
    }
  }
}

// What the muxer output at once (one buffer or a list, each buffer one or more TS packets) as
// SRT messages: copied into one block, audio times restored, cut into groups of at most 7
// packets (an SRT live message; the last group of a frame goes out short, not held).
GstBufferList* to_srt_messages(GstBuffer* const* bufs, guint n) {
  size_t size = 0;
  for (guint i = 0; i < n; ++i) size += gst_buffer_get_size(bufs[i]);
  GstBufferList* out = gst_buffer_list_new();
  if (size == 0) return out;
  GstBuffer* all = gst_buffer_new_allocate(nullptr, size, nullptr);
  GstMapInfo map;
  if (!gst_buffer_map(all, &map, GST_MAP_WRITE)) {
    gst_buffer_unref(all);
    return out;
  }
  size_t at = 0;
  for (guint i = 0; i < n; ++i) at += gst_buffer_extract(bufs[i], 0, map.data + at, size - at);
  restore_audio_times(map.data, size);
  gst_buffer_unmap(all, &map);
  const size_t chunk = kTsPacket * limits::kTsPacketsPerSrtMessage;
  for (size_t o = 0; o < size; o += chunk)
    gst_buffer_list_add(
        out, gst_buffer_copy_region(all, GST_BUFFER_COPY_MEMORY, o, std::min(chunk, size - o)));
  gst_buffer_unref(all);
  return out;
}

// Probe on mpegtsmux's src pad (its streaming thread). A list is replaced in place; a single
// buffer is handed to srtsink as a list directly (a probe cannot turn a buffer into a list).
GstPadProbeReturn on_ts_output(GstPad* pad, GstPadProbeInfo* info, gpointer) {
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    GstBufferList* in = GST_PAD_PROBE_INFO_BUFFER_LIST(info);
    std::vector<GstBuffer*> bufs(gst_buffer_list_length(in));
    for (guint i = 0; i < bufs.size(); ++i) bufs[i] = gst_buffer_list_get(in, i);
    GST_PAD_PROBE_INFO_DATA(info) = to_srt_messages(bufs.data(), bufs.size());
    gst_buffer_list_unref(in);
    return GST_PAD_PROBE_OK;
  }
  GstBuffer* in = GST_PAD_PROBE_INFO_BUFFER(info);
  GstBufferList* out = to_srt_messages(&in, 1);
  gst_buffer_unref(in);
  GST_PAD_PROBE_INFO_DATA(info) = nullptr;
  GstPtr<GstPad> peer(gst_pad_get_peer(pad));
  if (peer)
    info->ABI.abi.flow_ret = gst_pad_chain_list(peer.get(), out);
  else
    gst_buffer_list_unref(out);
  return GST_PAD_PROBE_HANDLED;
}

void connect_srt_output(GstElement* pipeline) {
  auto mux = child(pipeline, "tsmux");
  auto aparse = child(pipeline, "ts_aparse");
  if (!mux || !aparse) return;  // no SRT output
  GstPtr<GstPad> audio(gst_element_get_static_pad(aparse.get(), "src"));
  gst_pad_set_offset(audio.get(), static_cast<gint64>(limits::kTsAudioLeadMs) * GST_MSECOND);
  GstPtr<GstPad> src(gst_element_get_static_pad(mux.get(), "src"));
  gst_pad_add_probe(src.get(),
                    GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
                    &on_ts_output, nullptr, nullptr);
}

}  // namespace

void ProgramPipeline::connect_outputs() {
  GstElement* p = pipeline_.get();
  GstAppSinkCallbacks vcb{};
  vcb.new_sample = [](GstAppSink* s, gpointer self) { return on_video(GST_ELEMENT(s), self); };
  GstAppSinkCallbacks acb{};
  acb.new_sample = [](GstAppSink* s, gpointer self) { return on_audio(GST_ELEMENT(s), self); };
  gst_app_sink_set_callbacks(GST_APP_SINK(child(p, "vout").get()), &vcb, this, nullptr);
  gst_app_sink_set_callbacks(GST_APP_SINK(child(p, "aout").get()), &acb, this, nullptr);
  auto enc = child(p, "venc");
  GstPtr<GstPad> sink(gst_element_get_static_pad(enc.get(), "sink"));
  gst_pad_add_probe(sink.get(), GST_PAD_PROBE_TYPE_BUFFER, &ProgramPipeline::on_encoder_input, this,
                    nullptr);
  guard_first_frames();
  connect_srt_output(p);
}

// The compositor starts aggregating before the slate's first frame arrives; those first output
// frames would be black. Drop them: the program begins with the slate.
void ProgramPipeline::guard_first_frames() {
  auto comp = child(pipeline_.get(), "comp");
  GstPtr<GstPad> slate_pad(gst_element_get_static_pad(comp.get(), "sink_0"));
  GstPtr<GstPad> out(gst_element_get_static_pad(comp.get(), "src"));
  gst_pad_add_probe(
      slate_pad.get(), GST_PAD_PROBE_TYPE_BUFFER,
      [](GstPad*, GstPadProbeInfo* info, gpointer self) {
        auto* pp = static_cast<ProgramPipeline*>(self);
        GstBuffer* b = GST_PAD_PROBE_INFO_BUFFER(info);
        if (!b || !GST_BUFFER_PTS_IS_VALID(b)) return GST_PAD_PROBE_OK;
        pp->slate_start_ = GST_BUFFER_PTS(b);
        return GST_PAD_PROBE_REMOVE;
      },
      this, nullptr);
  gst_pad_add_probe(
      out.get(), GST_PAD_PROBE_TYPE_BUFFER,
      [](GstPad*, GstPadProbeInfo* info, gpointer self) {
        auto* pp = static_cast<ProgramPipeline*>(self);
        GstClockTime start = pp->slate_start_.load();
        GstBuffer* b = GST_PAD_PROBE_INFO_BUFFER(info);
        if (!GST_CLOCK_TIME_IS_VALID(start) || !b || GST_BUFFER_PTS(b) < start)
          return GST_PAD_PROBE_DROP;
        return GST_PAD_PROBE_REMOVE;
      },
      this, nullptr);
}

GstPadProbeReturn ProgramPipeline::on_encoder_input(GstPad*, GstPadProbeInfo* info, gpointer self) {
  auto* pp = static_cast<ProgramPipeline*>(self);
  GstBuffer* buf = GST_PAD_PROBE_INFO_BUFFER(info);
  if (!buf || !GST_BUFFER_PTS_IS_VALID(buf)) return GST_PAD_PROBE_OK;
  uint64_t captured = pp->program_capture_time(GST_BUFFER_PTS(buf));
  std::lock_guard lock(pp->stamps_mu_);
  pp->stamps_[pp->stamp_next_] = Stamp{GST_BUFFER_PTS(buf), captured};
  pp->stamp_next_ = (pp->stamp_next_ + 1) % pp->stamps_.size();
  return GST_PAD_PROBE_OK;
}

// Every compositor video input: remember (program PTS, capture time) of each frame entering.
void ProgramPipeline::watch_input_times() {
  input_times_.clear();
  for (auto& in : inputs_) {
    input_times_.push_back(std::make_unique<InputTimes>());
    gst_pad_add_probe(in.video_pad, GST_PAD_PROBE_TYPE_BUFFER, &ProgramPipeline::on_mixer_input,
                      input_times_.back().get(), nullptr);
  }
  input_weight_.assign(inputs_.size(), 0.0);
}

GstPadProbeReturn ProgramPipeline::on_mixer_input(GstPad*, GstPadProbeInfo* info, gpointer t) {
  auto* times = static_cast<InputTimes*>(t);
  GstBuffer* buf = GST_PAD_PROBE_INFO_BUFFER(info);
  if (!buf || !GST_BUFFER_PTS_IS_VALID(buf)) return GST_PAD_PROBE_OK;
  if (auto captured = capture_time::of(buf)) {
    std::lock_guard lock(times->mu);
    times->ring[times->next] = Stamp{GST_BUFFER_PTS(buf), *captured};
    times->next = (times->next + 1) % times->ring.size();
  }
  return GST_PAD_PROBE_OK;
}

// The capture time of what program frame `pts` shows: the newest frame of the primary input
// that the compositor could have used for it (starting before the output frame ends); for the
// slate (generated in this pipeline, live), the frame's own time on this pipeline's clock.
uint64_t ProgramPipeline::program_capture_time(GstClockTime pts) {
  int primary = primary_.load(std::memory_order_relaxed);
  if (primary >= 0 && static_cast<size_t>(primary) < input_times_.size()) {
    GstClockTime end = pts + GST_SECOND / std::max(1, opts_.format.framerate);
    InputTimes& t = *input_times_[static_cast<size_t>(primary)];
    std::lock_guard lock(t.mu);
    const Stamp* best = nullptr;
    for (const auto& s : t.ring)
      if (GST_CLOCK_TIME_IS_VALID(s.pts) && s.pts < end && (!best || s.pts > best->pts)) best = &s;
    if (best) return best->wall_us;
  }
  GstClockTime base = base_time_.load();
  if (clock_ && GST_CLOCK_TIME_IS_VALID(base)) return capture_time::wall_us_at(clock_, base, pts);
  return media::wall_clock_us();
}

uint64_t ProgramPipeline::capture_time_for(GstClockTime pts) {
  std::lock_guard lock(stamps_mu_);
  for (const auto& s : stamps_)
    if (s.pts == pts) return s.wall_us;
  return program_capture_time(pts);
}

GstFlowReturn ProgramPipeline::on_video(GstElement* sink, gpointer self) {
  auto* pp = static_cast<ProgramPipeline*>(self);
  return with_sample(sink, [pp](GstCaps* caps, GstBuffer* buf, GstClockTime running,
                                std::span<const uint8_t> data) {
    if (!pp->muxer_.has_video_config())
      pp->muxer_.set_video_config(codec_data(caps), caps_int(caps, "width"),
                                  caps_int(caps, "height"));
    bool key = !GST_BUFFER_FLAG_IS_SET(buf, GST_BUFFER_FLAG_DELTA_UNIT);
    pp->muxer_.write_video(data, static_cast<int64_t>(running / 1000), key,
                           pp->capture_time_for(running));
    pp->frames_.fetch_add(1, std::memory_order_relaxed);
  });
}

GstFlowReturn ProgramPipeline::on_audio(GstElement* sink, gpointer self) {
  auto* pp = static_cast<ProgramPipeline*>(self);
  return with_sample(sink, [pp](GstCaps* caps, GstBuffer* buf, GstClockTime running,
                                std::span<const uint8_t> data) {
    if (!pp->muxer_.has_audio_config()) {
      const bool opus = pp->opts_.relay_audio == AudioCodec::Opus;
      pp->muxer_.set_audio_config(pp->opts_.relay_audio, opus ? opus_head(caps) : codec_data(caps),
                                  caps_int(caps, "rate"), caps_int(caps, "channels"));
    }
    GstClockTime duration = GST_BUFFER_DURATION(buf);
    pp->muxer_.write_audio(
        data, static_cast<int64_t>(running / 1000),
        GST_CLOCK_TIME_IS_VALID(duration) ? static_cast<int64_t>(duration / 1000) : 0);
  });
}

}  // namespace hallcast::streamer
