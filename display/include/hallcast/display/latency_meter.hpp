// --measure-latency FILE: reads the capture-time stamp (hallcast/common/frame_stamp.hpp, painted
// by `hallcast-streamer --stamp-capture-time`) from every frame as it reaches the video sink and
// writes one JSON line per stamped frame, then a summary line when stopped (docs/latency.md).
//
// Thread ownership: created, attached and finished on the main loop; on_frame runs on the
// sink's streaming thread (one frame at a time); set_input from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gst/gst.h>
#include <nlohmann/json.hpp>

namespace hallcast::display {

// The stamp of a raw video buffer (any 8-bit YUV or RGB layout) or nullopt.
std::optional<uint64_t> read_frame_stamp(GstBuffer* buffer, GstCaps* caps, uint64_t now_us);

// A gap this long between two rendered video frames counts as a stall.
inline constexpr int kStallGapMs = 200;

// p50/p95/max/count of a set of samples (ms), as JSON.
nlohmann::json latency_summary(std::vector<double> samples_ms);

class LatencyMeter {
 public:
  // Throws std::runtime_error if FILE cannot be written.
  explicit LatencyMeter(const std::string& path);
  ~LatencyMeter();
  LatencyMeter(const LatencyMeter&) = delete;
  LatencyMeter& operator=(const LatencyMeter&) = delete;

  // Probes `sink`'s sink pad (a new sink after a pipeline restart is attached again).
  void attach(GstElement* sink);
  // What the frames now reaching the sink come from ("srt", "relay", "standby").
  void set_input(const char* label) { input_.store(label); }
  // One frame being rendered now (for sinks observed another way, e.g. a fakesink's handoff).
  void frame(GstBuffer* buffer, GstCaps* caps);
  // Writes the summary line and closes the file (also done by the destructor). Returns it.
  nlohmann::json finish();

 private:
  static GstPadProbeReturn on_frame(GstPad* pad, GstPadProbeInfo* info, gpointer self);
  void record(uint64_t capture_us, uint64_t render_us);

  std::mutex mu_;  // the file and the samples (streaming thread vs main loop at finish)
  std::FILE* file_ = nullptr;
  std::map<std::string, std::vector<double>> samples_;  // per input, ms
  uint64_t unstamped_ = 0;
  uint64_t last_render_us_ = 0;  // of the previous stamped frame
  uint64_t stalls_ = 0;          // gaps between stamped frames over kStallGapMs
  double max_gap_ms_ = 0.0;
  int64_t last_flush_us_ = 0;
  std::atomic<const char*> input_{"standby"};
};

}  // namespace hallcast::display
