// hallcast-streamer: the capture node of one hall (see docs/streamer.md).
#include "hallcast/common/app.hpp"
#include "hallcast/streamer/capture_time.hpp"
#include "hallcast/streamer/run.hpp"

int main(int argc, char** argv) {
  hallcast::streamer::RunOptions opts;
  bool stamp = false;
  hallcast::app::Program program{
      "hallcast-streamer",
      "Capture node: sources, switching, never-black program, SRT and relay outputs",
      [&opts, &stamp](CLI::App& cli) {
        cli.add_option("--hall", opts.hall, "Hall this streamer serves (default: the first hall)");
        cli.add_option("--control", opts.control, "Local control socket, unix:PATH (JSON lines)");
        cli.add_flag("--stamp-capture-time", stamp,
                     "Bench/diagnostic: paint each source frame's capture time into the picture "
                     "as a block code (docs/latency.md)");
      },
      [&opts, &stamp](const hallcast::config::Config& cfg) {
        hallcast::streamer::capture_time::set_stamping(stamp);
        return hallcast::streamer::run(cfg, opts);
      },
      // Only the publisher secret (to the relay); the control socket is local.
      hallcast::config::Roles{.operator_ = false, .captioner = false, .viewer = false}};
  return hallcast::app::main(argc, argv, program);
}
