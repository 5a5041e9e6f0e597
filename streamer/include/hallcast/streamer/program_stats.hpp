// Counters an operator alerts on, taken from the running program pipeline without changing it:
//  - program frames missing from the encoder's input timeline (a gap between two consecutive
//    composed frames' timestamps longer than one frame: the compositor skipped those slots);
//  - buffers dropped by the leaky queues of the output branches (the SRT branch: a slow or
//    stalled SRT peer), one per overrun of a full queue;
//  - SRT callers currently connected to the listener.
// Attached once after the pipeline is built; counts until the pipeline is destroyed.
//
// Thread ownership: attach() and the accessors on the main loop; the counters are atomics
// written from GStreamer streaming threads (pad probe, queue and srtsink signals).
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include <gst/gst.h>

namespace hallcast::streamer {

class ProgramStats {
 public:
  ProgramStats() = default;
  ProgramStats(const ProgramStats&) = delete;
  ProgramStats& operator=(const ProgramStats&) = delete;

  // Finds the encoder ("venc"), every leaky queue and the SRT sink ("srtout") in `pipeline`
  // and hooks onto them. `framerate` is the program's frames per second. The pipeline must
  // not outlive this object without a detach (the signals point here): call detach() first.
  void attach(GstElement* pipeline, int framerate);
  // Disconnects every signal handler and probe (the pipeline may live on).
  void detach();
  ~ProgramStats() { detach(); }

  uint64_t timeline_gaps() const { return timeline_gaps_.load(); }  // frames
  uint64_t output_drops() const { return output_drops_.load(); }    // buffers
  int srt_clients() const { return srt_clients_.load(); }

 private:
  static GstPadProbeReturn on_encoder_input(GstPad*, GstPadProbeInfo* info, gpointer self);
  static void on_overrun(GstElement*, gpointer self);
  static void on_caller_added(GstElement*, gint, gpointer address, gpointer self);
  static void on_caller_removed(GstElement*, gint, gpointer address, gpointer self);

  struct Hook {
    GstElement* element = nullptr;  // ref held
    gulong handler = 0;
  };
  std::vector<Hook> hooks_;
  GstPad* probe_pad_ = nullptr;  // ref held
  gulong probe_id_ = 0;

  GstClockTime frame_ns_ = 0;
  GstClockTime last_pts_ = GST_CLOCK_TIME_NONE;  // streaming thread only
  std::atomic<uint64_t> timeline_gaps_{0};
  std::atomic<uint64_t> output_drops_{0};
  std::atomic<int> srt_clients_{0};
};

}  // namespace hallcast::streamer
