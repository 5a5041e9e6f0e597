#include "hallcast/streamer/time_map.hpp"

#include <cstdlib>
#include <utility>

#include "hallcast/streamer/streamer_limits.hpp"

namespace hallcast::streamer {
namespace {

// A little before the slot starts, so rounding never lets the previous frame overlap it.
constexpr GstClockTimeDiff kSlotLeadNs = GST_MSECOND;

}  // namespace

std::optional<GstClockTime> TimeMap::map(GstClockTime running, GstClockTime now, bool video) {
  if (!GST_CLOCK_TIME_IS_VALID(running) || !GST_CLOCK_TIME_IS_VALID(now)) return std::nullopt;
  if (!mapped_ && !video) return std::nullopt;
  GstClockTimeDiff out = static_cast<GstClockTimeDiff>(running) + offset_;
  const GstClockTimeDiff drift = out - static_cast<GstClockTimeDiff>(now);  // > 0: early
  const bool settling = mapped_ && GST_CLOCK_DIFF(anchored_at_, now) < kSettleMs * GST_MSECOND;
  const bool resync = video && std::llabs(drift) > limits::kResyncThresholdMs * GST_MSECOND;
  const bool settle = video && settling && drift > 0;
  if (!mapped_ || resync || settle) {
    guint64 slot = gst_util_uint64_scale(now, static_cast<guint64>(framerate_), GST_SECOND);
    auto slot_start = static_cast<GstClockTimeDiff>(gst_util_uint64_scale(
                          slot, GST_SECOND, static_cast<guint64>(framerate_))) -
                      kSlotLeadNs;
    const GstClockTimeDiff before = offset_;
    offset_ = slot_start - static_cast<GstClockTimeDiff>(running);
    if (settle && !resync) settle_shift_ += before - offset_;
    mapped_ = true;
    anchored_at_ = now;
    ++anchors_;
    out = slot_start;
  }
  return out < 0 ? 0 : static_cast<GstClockTime>(out);
}

std::optional<GstClockTimeDiff> TimeMap::take_settle_shift(GstClockTime now) {
  if (settle_shift_ == 0 || GST_CLOCK_DIFF(anchored_at_, now) < kSettleMs * GST_MSECOND)
    return std::nullopt;
  return std::exchange(settle_shift_, 0);
}

}  // namespace hallcast::streamer
