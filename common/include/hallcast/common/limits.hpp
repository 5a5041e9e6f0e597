// Limits that are not per-event settings (those live in config.hpp with their defaults).
#pragma once

#include <cstddef>

namespace hallcast::limits {

inline constexpr int kMaxJsonDepth = 16;            // nesting of any JSON message
inline constexpr size_t kMaxTokenBytes = 4096;      // a token file larger than this is an error
inline constexpr size_t kMaxConfigBytes = 4 << 20;  // config files larger than this are refused
inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;
inline constexpr int kExitConfig = 78;  // EX_CONFIG

}  // namespace hallcast::limits
