// Limits and fixed tunables of the streamer that are not per-event settings (those are in
// hallcast/common/config.hpp). Each says why it has its value.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hallcast::streamer::limits {

// Program audio format: what browsers, AAC and MPEG-TS all take without conversion.
inline constexpr int kAudioRate = 48000;
inline constexpr int kAudioChannels = 2;
// Aggregator (compositor/audiomixer) latency: covers the arrival jitter of frames handed over
// from the source pipelines (audio arrives one 21 ms buffer after its timestamp).
inline constexpr int kMixLatencyMs = 60;
// A source whose mapped timestamps drift this far from the program clock is re-anchored
// (pipeline restart, file loop, clock step).
inline constexpr int64_t kResyncThresholdMs = 250;
// What a program input (appsrc) may hold before its oldest buffer is dropped: the mixers take a
// buffer only once their output reaches its time (kMixLatencyMs later), so this must exceed that.
inline constexpr int kSourceQueueMs = 300;
// How often the watchdog looks at every source's last-buffer time.
inline constexpr int kWatchdogTickMs = 50;
// Output branch queues: what a slow consumer (SRT peer) may hold before frames are dropped.
inline constexpr int kOutputQueueMs = 500;
// Fade animation step (main-loop timer).
inline constexpr int kFadeStepMs = 15;
inline constexpr int kMaxFadeMs = 10000;
// Slate/title/caption text sizes (code points) accepted from commands.
inline constexpr size_t kMaxSlateMessage = 300;
inline constexpr size_t kMaxTitleText = 300;
inline constexpr size_t kMaxCaptionText = 500;
// Control socket: longest command line accepted (bytes) and clients at once.
inline constexpr size_t kMaxControlLine = 16 * 1024;
inline constexpr int kMaxControlClients = 8;
// Relay publisher: media waiting while the relay is slow or away (bytes), and its back-off.
inline constexpr size_t kPublishQueueBytes = 8u << 20;
inline constexpr int kRelayRetryInitialMs = 500;
inline constexpr int kRelayRetryMaxMs = 10000;
inline constexpr size_t kMaxRelayMessage = 64 * 1024;  // text from the relay
// How often the streamer sends its health (state with "stats": counters, fps, outputs) to the
// relay, besides every change: the relay's /metrics are at most this old.
inline constexpr int kHealthReportMs = 1000;
// How often status (sd_notify STATUS, log counters) is reported.
inline constexpr int kStatusIntervalMs = 10000;
// Stop: how long to wait for EOS to drain through the muxers.
inline constexpr int kStopDrainMs = 2000;

}  // namespace hallcast::streamer::limits
