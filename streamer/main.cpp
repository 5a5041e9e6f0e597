// hallcast-streamer: the capture node of one hall (see docs/streamer.md).
#include "hallcast/common/app.hpp"
#include "hallcast/streamer/run.hpp"

int main(int argc, char** argv) {
  hallcast::streamer::RunOptions opts;
  hallcast::app::Program program{
      "hallcast-streamer",
      "Capture node: sources, switching, never-black program, SRT and relay outputs",
      [&opts](CLI::App& cli) {
        cli.add_option("--hall", opts.hall, "Hall this streamer serves (default: the first hall)");
        cli.add_option("--control", opts.control, "Local control socket, unix:PATH (JSON lines)");
      },
      [&opts](const hallcast::config::Config& cfg) { return hallcast::streamer::run(cfg, opts); }};
  return hallcast::app::main(argc, argv, program);
}
