// How long the relay itself takes to fan one media fragment out (docs/operations.md,
// hallcast_fanout_seconds): from the moment the publisher's fragment is fully received to the
// moment send() has returned with it for the median and for the last of the viewers that were up
// to date when it arrived (its "targets"). A target that leaves, is cut or skips past the fragment
// stops counting. Pure logic on caller-given steady-clock times; tested on its own. Owned by the
// relay's service thread (one per hall).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "hallcast/relay/histogram.hpp"

namespace hallcast::relay {

// Fine enough around the 15 ms target to read a p99.
inline constexpr std::array<double, 23> kFanoutBounds = {
    0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.0125, 0.015,
    0.02,   0.025,   0.03,   0.04,  0.05,  0.075, 0.1,   0.25,  0.5,    1.0,  2.5};
using FanoutHistogram = Histogram<kFanoutBounds>;

class FanoutTimer {
 public:
  // At most this many fragments are timed at once; the oldest is closed with what it has.
  static constexpr size_t kMaxOpen = 128;

  // A fragment arrived (fully received at `arrived_ns`). Then, while walking the viewers:
  // target() for each viewer that lacks only this fragment, handed() for each one written at
  // once; then targets_known() when the walk is over.
  void begin(uint64_t seq, int64_t arrived_ns);
  void target(uint64_t seq);
  void targets_known(uint64_t seq);
  // A target's send() of the fragment returned at `at_ns`. Before targets_known() the calls may
  // come in any time order (a parallel fan-out reports its sends after they all returned).
  void handed(uint64_t seq, int64_t at_ns);
  // A target will never get it (left, cut, skipped past it).
  void dropped(uint64_t seq);
  // A new init segment or the publisher left: nothing open is timed any further.
  void reset() { open_.clear(); }

  const FanoutHistogram& last() const { return last_; }
  const FanoutHistogram& median() const { return median_; }
  size_t open() const { return open_.size(); }

 private:
  struct Record {
    uint64_t seq = 0;
    int64_t arrived_ns = 0;
    size_t targets = 0, handed = 0, dropped = 0;
    bool known = false;          // every target counted
    int64_t median_ns = -1;      // when the ceil(targets/2)-th target got it
    int64_t last_ns = -1;        // the latest handoff so far
    std::vector<int64_t> early;  // handoffs before the targets were known (for the median)
  };
  Record* find(uint64_t seq);
  void settle(Record& r);  // closes it when every target is accounted for
  void close(const Record& r);

  std::deque<Record> open_;
  FanoutHistogram last_, median_;
};

}  // namespace hallcast::relay
