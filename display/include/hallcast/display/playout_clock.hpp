// Schedules relay media against the local clock with a small fixed delay, so frames that arrive
// in bursts play smoothly, and re-anchors when the input runs late or early by more than a bound:
// the screen catches up instead of drifting. Pure; times in nanoseconds. Owned by one streaming
// thread (the relay input's decoder output).
#pragma once

#include <cstdint>

namespace hallcast::display {

class PlayoutClock {
 public:
  PlayoutClock(int64_t delay_ns, int64_t resync_ns) : delay_ns_(delay_ns), resync_ns_(resync_ns) {}

  // The offset to add to a frame's running time (media_rt) so it plays delay_ns after now_rt;
  // kept while frames stay within resync_ns of their schedule.
  int64_t offset_for(int64_t media_rt, int64_t now_rt);
  int resyncs() const { return resyncs_; }
  void reset() { anchored_ = false; }

 private:
  int64_t delay_ns_;
  int64_t resync_ns_;
  bool anchored_ = false;
  int64_t offset_ = 0;
  int resyncs_ = 0;
};

}  // namespace hallcast::display
