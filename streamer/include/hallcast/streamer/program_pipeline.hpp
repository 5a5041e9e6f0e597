// The program pipeline: a live slate layer under every source in a compositor (so a missing
// source shows the slate, never black), an audiomixer over a silent bed, H.264/AAC encoding,
// and the outputs: SRT listener (MPEG-TS) on a leaky branch and fMP4 fragments for the relay.
// Sources enter through appsrcs fed by their own SourcePipelines.
//
// Thread ownership: the main-loop thread owns it and calls every method except
// running_time_now() (any thread). Output callbacks run on GStreamer streaming threads.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gst/gst.h>

#include "hallcast/common/config.hpp"
#include "hallcast/streamer/fmp4_muxer.hpp"
#include "hallcast/streamer/gst_util.hpp"
#include "hallcast/streamer/layout.hpp"
#include "hallcast/streamer/source_desc.hpp"

namespace hallcast::streamer {

struct ProgramOptions {
  ProgramFormat format;
  config::Program program;
  std::string slate_image;  // optional picture under the slate text
  std::string srt_listen;   // "HOST:PORT"; empty = no SRT output
  int srt_latency_ms = 40;
  std::string srt_passphrase;
  AudioCodec relay_audio = AudioCodec::Aac;  // the fMP4 (relay) output's; SRT is always AAC
  // One entry per source, in pad order: whether it has audio.
  std::vector<bool> source_audio;
};

class ProgramPipeline {
 public:
  using Failure = std::function<void(const std::string& message)>;  // main loop
  using Playing = std::function<void()>;                            // main loop

  ProgramPipeline(ProgramOptions opts, Fmp4Muxer::Output on_media, Playing on_playing,
                  Failure on_failure);
  ~ProgramPipeline();
  ProgramPipeline(const ProgramPipeline&) = delete;
  ProgramPipeline& operator=(const ProgramPipeline&) = delete;

  // Builds and sets PLAYING. Throws std::runtime_error if it cannot be built.
  void start();
  // Sends EOS (muxers finish cleanly), waits up to the drain limit, then stops.
  void stop();

  GstElement* video_input(size_t i) const { return inputs_.at(i).video; }
  GstElement* audio_input(size_t i) const { return inputs_.at(i).audio; }
  std::optional<GstClockTime> running_time_now() const;

  void set_video_pad(size_t i, const PadGeometry& g, double alpha);
  void set_audio_volume(size_t i, double volume);
  void set_slate_text(const std::string& plain_text);
  void set_burn_in(const std::string& title, const std::string& caption);
  // The first frame the compositor puts out from now on is a keyframe (a cut starts on one).
  void force_keyframe();
  uint64_t frames_encoded() const { return frames_.load(); }
  bool srt_enabled() const { return !opts_.srt_listen.empty(); }
  // For counters attached from outside (ProgramStats, streamer metrics); main loop.
  GstElement* pipeline() const { return pipeline_.get(); }

 private:
  struct Input {
    GstElement* video = nullptr;  // appsrc (owned by the pipeline bin)
    GstElement* audio = nullptr;
    GstPad* video_pad = nullptr;  // compositor sink pad (we hold a ref)
    GstPad* audio_pad = nullptr;  // audiomixer sink pad
  };
  std::string describe() const;
  void add_inputs();
  void connect_outputs();
  void handle_bus(GstMessage* msg);
  static gboolean on_bus(GstBus*, GstMessage* msg, gpointer self);
  static GstFlowReturn on_video(GstElement* sink, gpointer self);
  static GstFlowReturn on_audio(GstElement* sink, gpointer self);
  static GstPadProbeReturn on_encoder_input(GstPad*, GstPadProbeInfo* info, gpointer self);
  static GstPadProbeReturn on_mixer_input(GstPad*, GstPadProbeInfo* info, gpointer times);
  uint64_t capture_time_for(GstClockTime pts);
  uint64_t program_capture_time(GstClockTime pts);
  void watch_input_times();
  void update_primary();
  void guard_first_frames();

  ProgramOptions opts_;
  Playing on_playing_;
  Failure on_failure_;
  Fmp4Muxer muxer_;
  GstPtr<GstElement> pipeline_;
  std::vector<Input> inputs_;
  std::atomic<GstClockTime> base_time_{GST_CLOCK_TIME_NONE};
  GstClock* clock_ = nullptr;  // the system clock (a singleton we hold a ref on)
  bool announced_playing_ = false;
  bool eos_seen_ = false;
  std::atomic<uint64_t> frames_{0};
  // Running time of the slate's first buffer: compositor output before it would be black.
  std::atomic<GstClockTime> slate_start_{GST_CLOCK_TIME_NONE};
  uint32_t key_requests_ = 0;

  // Program frame PTS -> capture wall-clock time of what it shows (set as it enters the encoder).
  struct Stamp {
    GstClockTime pts = GST_CLOCK_TIME_NONE;
    uint64_t wall_us = 0;
  };
  std::mutex stamps_mu_;
  std::array<Stamp, 64> stamps_{};
  size_t stamp_next_ = 0;

  // Capture times (source clock, see capture_time.hpp) of the frames entering the compositor,
  // per input: written by the inputs' streaming threads, read by the encoder's.
  struct InputTimes {
    std::mutex mu;
    std::array<Stamp, 32> ring{};
    size_t next = 0;
  };
  std::vector<std::unique_ptr<InputTimes>> input_times_;
  // The input whose picture dominates the program (largest visible area × alpha), -1 = the
  // slate: a program frame's capture time is that input's. Written on the main loop.
  std::atomic<int> primary_{-1};
  std::vector<double> input_weight_;  // main loop
};

}  // namespace hallcast::streamer
