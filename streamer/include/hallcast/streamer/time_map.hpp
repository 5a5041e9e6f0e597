// Maps a source's running time onto the program's running time: one offset per source run,
// shared by its audio and video so lip sync survives. Video anchors it: the first frame is
// placed at the start of the program frame slot it arrives in, so each frame is due in the
// compositor the moment it arrives.
//
// The anchor frame may reach us late (a source starting while the machine is busy): every
// frame after it would then be due that much after it arrives, and the program would carry
// the delay for the whole run (seen: 30–170 ms on the browser path). So for kSettleMs after
// an anchoring, a video frame that would wait at all re-anchors (moves the map earlier: the
// frames of a late burst each land in the slot they arrive in); after that only a drift
// beyond kResyncThresholdMs does, either way.
// Pure logic; the caller serialises calls.
#pragma once

#include <cstdint>
#include <optional>

#include <gst/gst.h>

namespace hallcast::streamer {

class TimeMap {
 public:
  static constexpr int64_t kSettleMs = 2000;

  explicit TimeMap(int framerate) : framerate_(framerate > 0 ? framerate : 1) {}

  // The program running time for a buffer at source running time `running` that arrives
  // when the program's running time is `now`; nullopt for audio before the video anchored.
  std::optional<GstClockTime> map(GstClockTime running, GstClockTime now, bool video);
  // Once the settling after an anchoring is over: how much earlier it moved the map in all
  // (ns), if it did; then nullopt until the next settling that moves it.
  std::optional<GstClockTimeDiff> take_settle_shift(GstClockTime now);
  void reset() {
    mapped_ = false;
    settle_shift_ = 0;
  }
  bool mapped() const { return mapped_; }
  uint64_t anchors() const { return anchors_; }  // anchorings so far (diagnostics, tests)

 private:
  int framerate_;
  bool mapped_ = false;
  GstClockTimeDiff offset_ = 0;   // program running time - source running time
  GstClockTime anchored_at_ = 0;  // program running time of the last anchoring
  uint64_t anchors_ = 0;
  GstClockTimeDiff settle_shift_ = 0;
};

}  // namespace hallcast::streamer
