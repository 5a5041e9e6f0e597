// Display limits and timings that are not per-event settings (those are in config.hpp).
#pragma once

#include <cstddef>

namespace hallcast::display::limits {

inline constexpr int kLossTimeoutMs = 1000;     // no frame this long: the stream is lost
inline constexpr int kConnectTimeoutMs = 5000;  // a new input without a first frame this long
inline constexpr int kSelectTickMs = 100;       // how often the player re-checks its inputs
inline constexpr int kRetryInitialMs = 500;     // reconnect back-off (stream and relay)
inline constexpr int kRetryMaxMs = 10000;
inline constexpr int kFallbackAfterMs = 3000;     // SRT silent this long: play from the relay
inline constexpr int kSrtSteadyMs = 2000;         // SRT delivering this long: leave the relay
inline constexpr int kRelayPlayoutDelayMs = 150;  // relay input: buffer ahead of the clock
inline constexpr int kRelayResyncMs = 800;        // relay input: off schedule by more: re-anchor
inline constexpr size_t kMediaCacheBytes = 16u << 20;  // init + fragments since last keyframe
inline constexpr size_t kAppsrcMaxBytes = 8u << 20;    // relay input queued into the decoder
inline constexpr size_t kMaxRelayMessageBytes = 8u << 20;
inline constexpr int kCaptionLines = 2;           // lines on screen at once
inline constexpr int kCaptionHoldMs = 7000;       // a caption stays this long after its last change
inline constexpr int kCaptionPageMinMs = 2500;    // each page of a long final caption, at least
inline constexpr int kCaptionPageMsPerChar = 45;  // reading time per code point on a page
inline constexpr int kTitleFadeMs = 300;
inline constexpr int kFadeTickMs = 40;
inline constexpr int kQueueMaxBuffers = 2;  // leaky queue before the selector

}  // namespace hallcast::display::limits
