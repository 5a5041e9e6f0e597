// Capture wall-clock times of frames: derived from a buffer's running time and its pipeline's
// clock (not "now" further down the chain), carried on buffers as a GstReferenceTimestampMeta
// (caps timestamp/x-unix, the wall clock), and — as a bench/diagnostic option — painted into the
// picture as a block code (hallcast/common/frame_stamp.hpp) so players of any kind can read the
// capture time of the frame they render (docs/latency.md).
//
// Functions are thread-safe; the diagnostic switch is set once by main() before pipelines start.
#pragma once

#include <cstdint>
#include <optional>

#include <gst/gst.h>

namespace hallcast::streamer::capture_time {

// Wall-clock µs (g_get_real_time's clock) at which `element`'s pipeline clock read
// base_time + running. nullopt before the element has a clock.
std::optional<uint64_t> wall_us_of(GstElement* element, GstClockTime running);
// The same for a known clock and base time.
uint64_t wall_us_at(GstClock* clock, GstClockTime base_time, GstClockTime running);

// Attaches / reads the capture time on a buffer (reference timestamp meta, timestamp/x-unix).
void attach(GstBuffer* buffer, uint64_t wall_us);
std::optional<uint64_t> of(GstBuffer* buffer);

// --stamp-capture-time: paint the capture time into every source's video frames.
void set_stamping(bool on);
bool stamping();
// Paints the stamp into a writable raw video buffer described by `caps`. False if the format
// is not planar/packed 8-bit YUV or the frame cannot be mapped.
bool paint(GstBuffer* writable, GstCaps* caps, uint64_t wall_us);

}  // namespace hallcast::streamer::capture_time
