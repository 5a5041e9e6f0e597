#include "hallcast/display/playout_clock.hpp"

namespace hallcast::display {

int64_t PlayoutClock::offset_for(int64_t media_rt, int64_t now_rt) {
  const int64_t target = now_rt + delay_ns_;
  if (anchored_) {
    const int64_t scheduled = media_rt + offset_;
    const bool late = scheduled < now_rt - resync_ns_;
    const bool early = scheduled > target + resync_ns_;
    if (!late && !early) return offset_;
    ++resyncs_;
  }
  anchored_ = true;
  offset_ = target - media_rt;
  return offset_;
}

}  // namespace hallcast::display
