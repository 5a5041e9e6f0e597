// GStreamer's debug log routed into the spdlog logger "gst", shared by the streamer and the
// display (the only parts that link GStreamer; common/ itself stays free of it).
//
// Levels: ERROR -> error, WARNING -> warn, FIXME and INFO -> info, DEBUG -> debug, the rest
// trace. Unless GST_DEBUG is set, GStreamer's own threshold follows the "gst" logger's level
// (info and warn: WARNING, since GStreamer's INFO is per-object noise) and each quiet category
// is lowered further; demoted warnings are logged at debug. Warnings and errors repeated by one
// element (some are per frame) are limited to a burst per window, then one "N similar lines
// suppressed" line.
#pragma once

#include <gst/gst.h>

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <spdlog/spdlog.h>

namespace hallcast::gst {

struct QuietCategory {
  std::string name;       // a GStreamer debug category, e.g. "appsrc"
  GstDebugLevel maximum;  // log nothing less severe than this from it
};

// A warning GStreamer gives in a known harmless situation, logged at debug instead (its text
// starts with `text`); the category's other warnings stay warnings.
struct DemotedWarning {
  std::string category;  // e.g. "aggregator"
  std::string text;      // e.g. "Latency query failed"
};

struct LogBridgeOptions {
  std::vector<QuietCategory> quiet;
  std::vector<DemotedWarning> demoted;
  int burst = 3;                            // lines per category and element per window
  std::chrono::milliseconds window{10000};  // then one summary line
};

// Installs the bridge (replacing GStreamer's stderr printer). Call once, after gst_init(), on
// the main thread; any GStreamer thread logs through it afterwards. Calling it again replaces
// the options.
void route_log(const LogBridgeOptions& options = {});

// The mappings, for tests.
spdlog::level::level_enum to_spdlog(GstDebugLevel level);
GstDebugLevel threshold_for(spdlog::level::level_enum level);

// Per-key burst limiter for repeated lines (thread-safe): allow() is true for the first `burst`
// calls of a key in each window; when a key's new window starts, *suppressed says how many of
// its calls the previous window refused.
class RateLimit {
 public:
  RateLimit(int burst, std::chrono::milliseconds window) : burst_(burst), window_(window) {}
  bool allow(const std::string& key, std::chrono::steady_clock::time_point now, int* suppressed);

 private:
  struct Entry {
    std::chrono::steady_clock::time_point start{};
    int count = 0;
    int dropped = 0;
  };
  const int burst_;
  const std::chrono::milliseconds window_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mutex_
};

}  // namespace hallcast::gst
