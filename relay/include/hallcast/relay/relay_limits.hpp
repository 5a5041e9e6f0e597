// Relay limits that are not per-event settings (those are in config.hpp [relay]).
#pragma once

#include <cstddef>
#include <cstdint>

namespace hallcast::relay::limits {

inline constexpr int kAuthFailureDelayMs = 750;      // a wrong token is answered this late
inline constexpr size_t kMaxTextBacklog = 1024;      // queued text events per client, then cut
inline constexpr int kMaxWritesPerWakeup = 32;       // fairness: re-arm after this many writes
inline constexpr size_t kMaxPendingCommands = 1024;  // forwarded, unanswered streamer commands
inline constexpr size_t kMaxRingFragments = 4096;    // per hall, whatever the GOP length
inline constexpr int kTickMs = 1000;                 // viewers counts, lag checks, status
inline constexpr int kStatusEveryTicks = 10;         // systemd STATUS= refresh
inline constexpr size_t kMaxHeaderValue = 1024;      // Origin, Authorization, query we read
inline constexpr size_t kReservedFds = 64;  // fds kept free of connections (listener, logs, files)
inline constexpr unsigned kMaxAutoFanoutThreads = 4;  // fanout_threads = 0: cores, at most this
inline constexpr size_t kMinParallelFanout = 32;      // fewer live viewers: one thread sends
inline constexpr int kMaxJsonDepthControl = 16;       // == hallcast::limits::kMaxJsonDepth

}  // namespace hallcast::relay::limits
