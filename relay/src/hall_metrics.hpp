// Per-hall figures an operator alerts on (docs/operations.md): the streamer's last reported
// health ("stats" in its state message), captions and their delay, lag disconnects. Filled by
// the hub, read by /metrics and /api/state. Owned by the relay's service thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "hallcast/common/config.hpp"
#include "hallcast/relay/fanout_timer.hpp"
#include "hallcast/relay/histogram.hpp"

namespace hallcast::relay {

// From an fsync on a fast SSD (~1 ms) to a disk in trouble (seconds).
inline constexpr std::array<double, 12> kDelayBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                        0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
using DelayHistogram = Histogram<kDelayBounds>;

struct HallMetrics {
  uint64_t captions = 0;         // final captions accepted (written to the caption log)
  uint64_t lag_disconnects = 0;  // this hall's clients cut for staying behind
  // Final captions: from the relay having the captioner's whole message to the caption being
  // queued for every client of the hall and acknowledged, the caption log's fsync included.
  DelayHistogram caption_delay;
  // Media fragments: fully received to send() returned for the median / last up-to-date viewer.
  FanoutTimer fanout;
  int64_t last_final_caption_ms = 0;  // wall clock of the last final caption accepted (0 = none)
  // The streamer's last "stats" object (docs/protocol.md). Kept when the publisher leaves so
  // that its counters never go backwards; gauges are reported as 0 while it is away.
  nlohmann::json streamer_stats = nlohmann::json::object();
  int64_t stats_at_ms = 0;
};

struct Hall;

// The program source's health as the hall's streamer reports it ("ok", "starting", "held",
// "slate", "waiting"), or "unknown" while no publisher is attached.
std::string program_health(const Hall& h);
// Whether a source of the hall is delivering ("ok") according to its streamer.
bool source_ok(const Hall& h, const std::string& source);
// Seconds since the hall's last final caption (the replayed log counts), else since `since_ms`.
double caption_silence_s(const Hall& h, int64_t now_ms, int64_t since_ms);
// Whether one of the hall's scheduled sessions is on at `now_ms`.
bool session_active(const config::Config& cfg, const std::string& hall, int64_t now_ms);
// A number from the streamer's stats at a JSON pointer ("/outputs/srt/clients"), else 0.
double streamer_stat(const Hall& h, const char* pointer);

}  // namespace hallcast::relay
