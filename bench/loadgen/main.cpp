// hallcast-bench-load: many live viewers in one process against a relay (or the peer); prints
// one JSON report on stdout. See docs/performance.md.
#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "load_run.hpp"

int main(int argc, char** argv) {
  using namespace hallcast::bench;
  LoadOptions o;
  std::string hall = "hoi-truong";
  CLI::App app{"hallcast benchmark load generator: N live viewers on one epoll loop"};
  app.add_option("--host", o.pool.host, "server address (IPv4)");
  app.add_option("--port", o.pool.port, "server port")->required();
  app.add_option("--hall", hall, "hall id (?hall=)");
  app.add_option("--server-pid", o.server_pid, "server process to sample in /proc");
  bool fanout = false;
  app.add_flag("--relay-fanout", fanout, "scrape the relay's hallcast_fanout_seconds per window");
  app.add_option("--steps", o.steps, "viewer counts of the ramp")->delimiter(',');
  app.add_option("--must-reach", o.must_reach, "keep ramping to here even after a failed step");
  app.add_option("--warmup-ms", o.warmup_ms);
  app.add_option("--window-ms", o.window_ms);
  app.add_option("--bitrate-kbps", o.bitrate_kbps, "stream bitrate (slow viewers read half)");
  app.add_option("--fps", o.fps, "fragments per second of the stream");
  app.add_option("--max-p99-ms", o.max_p99_ms);
  app.add_option("--min-delivered", o.min_delivered);
  app.add_option("--join-at", o.join_at, "run the join test after this ramp step");
  app.add_option("--joiners", o.joiners, "viewers joining one at a time (0 = no join test)");
  app.add_option("--slow-viewers", o.slow_viewers, "viewers in the slow-viewer phase (0 = skip)");
  app.add_option("--slow-fraction", o.slow_fraction)->check(CLI::Range(0.001, 1.0));
  app.add_option("--slow-window-ms", o.slow_window_ms);
  CLI11_PARSE(app, argc, argv);
  o.pool.path = "/?hall=" + hall;
  if (fanout) o.fanout_hall = hall;
  o.pool.slow_bytes_per_s = o.bitrate_kbps * 1000 / 8 / 2;
  std::signal(SIGPIPE, SIG_IGN);
  try {
    LoadRun run(o);
    std::cout << run.run().dump(1) << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hallcast-bench-load: %s\n", e.what());
    return 1;
  }
}
