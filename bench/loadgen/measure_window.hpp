// What the viewers saw during one measurement window [start, end). Lag (media and captions) is
// taken from every live message received inside it; delivery counts the fragments captured inside
// it, which may arrive until the window is summarised. Owned by the load generator's one thread.
#pragma once

#include <cstdint>
#include <limits>

#include "../common/histogram.hpp"

namespace hallcast::bench {

class MeasureWindow {
 public:
  void open(uint64_t start_us, uint64_t end_us) {
    start_us_ = start_us;
    end_us_ = end_us;
    active_ = true;
    media_lag.reset();
    media_lag_slow.reset();
    caption_lag.reset();
    caption_lag_slow.reset();
    seq_min = std::numeric_limits<uint32_t>::max();
    seq_max = 0;
    bytes_in = 0;
    captions_seen = 0;
  }
  void stop() { active_ = false; }
  bool covers(uint64_t t_us) const { return active_ && t_us >= start_us_ && t_us < end_us_; }
  bool receiving(uint64_t now_us) const {
    return active_ && now_us >= start_us_ && now_us < end_us_;
  }

  Histogram& media_lag_of(bool slow) { return slow ? media_lag_slow : media_lag; }
  void sent(uint32_t seq) {
    if (seq < seq_min) seq_min = seq;
    if (seq > seq_max) seq_max = seq;
  }
  void caption(bool slow, uint64_t sent_us, uint64_t now_us) {
    (slow ? caption_lag_slow : caption_lag).add(static_cast<int64_t>(now_us - sent_us));
    ++captions_seen;
  }
  // Fragments the source sent inside the window, as seen by any viewer (sequence numbers).
  uint64_t fragments_in_window() const { return seq_max >= seq_min ? seq_max - seq_min + 1 : 0; }
  uint64_t start_us() const { return start_us_; }
  uint64_t end_us() const { return end_us_; }

  Histogram media_lag;
  Histogram media_lag_slow;
  Histogram caption_lag;
  Histogram caption_lag_slow;
  uint32_t seq_min = std::numeric_limits<uint32_t>::max();
  uint32_t seq_max = 0;
  uint64_t bytes_in = 0;  // bytes read by all viewers while the window was open (wall clock)
  uint64_t captions_seen = 0;

 private:
  bool active_ = false;
  uint64_t start_us_ = 0;
  uint64_t end_us_ = 0;
};

}  // namespace hallcast::bench
