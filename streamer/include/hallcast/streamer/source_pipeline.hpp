// One source's own pipeline: capture/receive -> decode -> program format -> appsinks, whose
// buffers are handed to the program pipeline's appsrcs with timestamps mapped onto the program
// clock. Its own pipeline (own bus, own state) isolates the program from this source's errors,
// stalls and restarts.
//
// Thread ownership: the main-loop thread owns the object and calls every method except
// last_buffer_us()/frames(), which any thread may read. The appsink callbacks run on this
// source's streaming threads and touch only atomics, the timestamp map (mutex) and the program's
// appsrcs (thread-safe).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include <gst/gst.h>

#include "hallcast/common/config.hpp"
#include "hallcast/streamer/gst_util.hpp"
#include "hallcast/streamer/source_desc.hpp"
#include "hallcast/streamer/time_map.hpp"

namespace hallcast::streamer {

class SourcePipeline {
 public:
  // The program pipeline's appsrcs this source feeds (audio may be null). Not owned; they
  // outlive this object.
  struct Sinks {
    GstElement* video = nullptr;
    GstElement* audio = nullptr;
  };
  // The program pipeline's running time now; nullopt until it is playing. Any thread.
  using ClockNow = std::function<std::optional<GstClockTime>()>;
  // An error or end of stream on this source's bus (main loop).
  using Failure = std::function<void(const std::string& message)>;

  SourcePipeline(config::Source cfg, ProgramFormat fmt, Sinks sinks, ClockNow now,
                 Failure on_failure);
  ~SourcePipeline();
  SourcePipeline(const SourcePipeline&) = delete;
  SourcePipeline& operator=(const SourcePipeline&) = delete;

  // Builds the pipeline afresh and sets it playing. Returns false (with a reason) when it
  // cannot even be built or started; asynchronous failures arrive through on_failure.
  bool start(std::string& error);
  void stop();
  bool running() const { return pipeline_ != nullptr; }

  // Monotonic time (g_get_monotonic_time, µs) of the last buffer handed on; 0 = none since
  // the last start().
  int64_t last_buffer_us() const { return last_buffer_us_.load(std::memory_order_relaxed); }
  uint64_t frames() const { return frames_.load(std::memory_order_relaxed); }
  // Test hook: while frozen every buffer is dropped, as if the source went silent.
  void set_frozen(bool frozen) { frozen_.store(frozen); }
  const config::Source& config() const { return cfg_; }

 private:
  struct Tap {
    SourcePipeline* self;
    GstElement* dst;
    bool video;
  };
  static GstFlowReturn on_sample(GstElement* sink, gpointer tap);
  static gboolean on_bus(GstBus* bus, GstMessage* msg, gpointer self);
  static void on_source_setup(GstElement* bin, GstElement* src, gpointer self);
  GstFlowReturn deliver(GstElement* sink, GstElement* dst, bool video);
  std::optional<GstClockTime> map_time(GstClockTime running, bool video);
  void connect_tap(const char* name, Tap* tap);
  void handle_bus(GstMessage* msg);

  config::Source cfg_;
  ProgramFormat fmt_;
  ClockNow now_;
  Failure on_failure_;
  Tap video_tap_;
  Tap audio_tap_;
  GstPtr<GstElement> pipeline_;

  std::mutex map_mu_;
  TimeMap time_map_;  // guarded by map_mu_

  std::atomic<int64_t> last_buffer_us_{0};
  std::atomic<uint64_t> frames_{0};
  std::atomic<bool> frozen_{false};
};

}  // namespace hallcast::streamer
