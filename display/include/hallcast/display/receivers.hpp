// The receive branches of the player: each is a GstBin ending in raw video of the screen's size
// on a ghost "src" pad, built fresh for every (re)connection and thrown away on loss.
//   SRT:   srtsrc ! tsdemux latency=0 ! capssetter(alignment=au) ! h264parse ! avdec_h264 ! ...
//   relay: appsrc(fMP4) ! qtdemux ! h264parse ! avdec_h264 ! clocksync(PlayoutClock) ! ...
// Created, linked and dropped by the Player on the main loop; buffers flow on GStreamer threads,
// which only touch the atomics below.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include <gst/gst.h>

#include "hallcast/display/playout_clock.hpp"

namespace hallcast::display {

enum class InputKind { Srt, Relay };
const char* to_string(InputKind kind);

struct VideoFormat {
  int width = 1280;
  int height = 720;
};

struct SrtInput {
  std::string url;  // srt://host:port
  int latency_ms = 20;
  std::string passphrase;
};

class Receiver {
 public:
  static std::unique_ptr<Receiver> make_srt(const SrtInput& in, VideoFormat fmt);
  static std::unique_ptr<Receiver> make_relay(VideoFormat fmt, int64_t playout_delay_ns,
                                              int64_t resync_ns);
  ~Receiver();
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  InputKind kind() const { return kind_; }
  GstElement* bin() const { return bin_; }
  // Monotonic time (g_get_monotonic_time, µs) of the last frame out; 0 = none yet.
  int64_t last_frame_us() const { return last_frame_us_.load(); }
  uint64_t frames() const { return frames_.load(); }
  int64_t created_us() const { return created_us_; }
  // Relay input only: queue fMP4 bytes into the appsrc (main loop). False if it refused them.
  bool push(std::span<const uint8_t> fmp4);

  bool failed = false;  // set by the player on an error message from inside the bin

 private:
  Receiver(InputKind kind, GstElement* bin);
  static GstPadProbeReturn on_output(GstPad* pad, GstPadProbeInfo* info, gpointer self);
  static GstPadProbeReturn on_schedule(GstPad* pad, GstPadProbeInfo* info, gpointer self);
  void attach_output_probe();

  InputKind kind_;
  GstElement* bin_;  // owned reference
  GstElement* appsrc_ = nullptr;
  GstElement* clocksync_ = nullptr;
  std::unique_ptr<PlayoutClock> playout_;  // used by the clocksync's streaming thread only
  std::atomic<int64_t> last_frame_us_{0};
  std::atomic<uint64_t> frames_{0};
  int64_t created_us_;
};

}  // namespace hallcast::display
