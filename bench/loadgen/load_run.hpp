// The load generator's phases over one server: ramp, join, slow viewers. Owned by the main
// thread, which also runs the ViewerPool loop.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../common/proc_stats.hpp"
#include "measure_window.hpp"
#include "viewer_pool.hpp"

namespace hallcast::bench {

struct LoadOptions {
  PoolOptions pool;
  pid_t server_pid = 0;  // sampled from /proc; 0 = not sampled
  std::string fanout_hall;  // non-empty: scrape the relay's hallcast_fanout_seconds for this hall
  std::vector<size_t> steps = {250, 500, 1000, 1500, 2000};
  size_t must_reach = 2000;  // keep ramping up to here even after a failed step
  uint64_t warmup_ms = 1500;
  uint64_t window_ms = 4000;
  uint64_t grace_ms = 500;     // late arrivals of window messages still count
  double bitrate_kbps = 3000;  // of the stream (slow viewers read at half of it)
  double fps = 30;
  double min_delivered = 0.999;  // pass criteria of a step
  double max_p99_ms = 50;
  size_t join_at = 500;  // run the join test at this step (0 = at the first)
  size_t joiners = 20;
  uint64_t join_timeout_ms = 3000;
  size_t slow_viewers = 1000;  // 0 = skip the slow-viewer phase
  double slow_fraction = 0.05;
  uint64_t slow_window_ms = 6000;
};

// Readings taken at the edges of one measurement window.
struct WindowSamples {
  uint64_t w0 = 0, w1 = 0;
  NetCounters net0, net1;
  ProcessSample server0, server1, self0, self1;
  nlohmann::json relay_fanout;  // the relay's own fan-out time in the window (null: not scraped)
};

// Per-group (normal / slow viewers) totals of one window.
struct GroupCounts {
  size_t viewers = 0;
  uint64_t fragments = 0, dropped = 0, gaps = 0;
  double delivered(uint64_t expected) const {
    return viewers && expected ? double(fragments) / double(viewers * expected) : 0.0;
  }
};

class LoadRun {
 public:
  explicit LoadRun(LoadOptions opts);
  nlohmann::json run();

 private:
  nlohmann::json measure(const std::vector<size_t>& viewers, uint64_t window_ms);
  nlohmann::json summarize(const std::vector<size_t>& viewers, const WindowSamples& ws) const;
  nlohmann::json ramp();
  nlohmann::json join_test();
  nlohmann::json slow_test();
  void connect_more(size_t n, size_t slow_every, std::vector<size_t>& into);
  ProcessSample sample_server() const;

  LoadOptions opts_;
  MeasureWindow window_;
  ViewerPool pool_;
  ProcessSample server_baseline_;
};

}  // namespace hallcast::bench
