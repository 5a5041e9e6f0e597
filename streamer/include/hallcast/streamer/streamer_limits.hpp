// Limits and fixed tunables of the streamer that are not per-event settings (those are in
// hallcast/common/config.hpp). Each says why it has its value.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hallcast::streamer::limits {

// Program audio format: what browsers, AAC and MPEG-TS all take without conversion.
inline constexpr int kAudioRate = 48000;
inline constexpr int kAudioChannels = 2;
// Opus frames for the relay (outputs.relay_audio_codec = "opus"): 10 ms, with the low-delay
// (CELT-only) mode's 2.5 ms look-ahead. An AAC frame needs 2048 samples (43 ms) from its start
// before it can leave the encoder (docs/latency.md, session 9).
inline constexpr int kOpusFrameMs = 10;
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
// A restarted source that has not failed gets this long to connect and deliver its first frame
// (an IP camera or SRT caller: connection plus the wait for a keyframe, seconds) before the
// watchdog tears it down for another attempt; otherwise a slow start would never finish.
inline constexpr int kSourceStartGraceMs = 5000;
// Output branch queues: what a slow consumer (SRT peer) may hold before frames are dropped.
inline constexpr int kOutputQueueMs = 500;
// SRT output (MPEG-TS): the largest SRT live-mode message is 7 TS packets (1316 bytes).
inline constexpr size_t kTsPacketsPerSrtMessage = 7;
// mpegtsmux interleaves by time and waits until it has audio at least as new as each video
// frame; the program's audio reaches it 5-30 ms later than video of the same time (AAC frames
// are 21 ms). The muxer sees the audio this much ahead on its time line, so no video frame waits
// for audio; the audio's PES timestamps are moved back by as much as they leave the muxer (lip
// sync unchanged). Must stay below mpegtsmux's PCR lead, so the audio still arrives before its
// presentation time.
inline constexpr int kTsAudioLeadMs = 50;
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
