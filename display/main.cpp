// hallcast-display: the hall screen client (docs/display.md).
#include "hallcast/common/app.hpp"
#include "hallcast/display/display_app.hpp"

int main(int argc, char** argv) {
  hallcast::display::DisplayOptions options;
  hallcast::app::Program program{
      "hallcast-display",
      "Hall screen: low-latency program video with captions, titles and a standby screen",
      [&](CLI::App& cli) {
        cli.add_option("--screen", options.screen_id, "Screen id from [[displays]]");
        cli.add_option("--screenshot", options.screenshot_path,
                       "Test hook: on SIGUSR1 write the rendered frame (PNG) and FILE.json");
        cli.add_option("--measure-latency", options.measure_latency_path,
                       "Bench/diagnostic: write the capture-to-render latency of every stamped "
                       "frame to FILE as JSON lines (docs/latency.md)");
      },
      [&](const hallcast::config::Config& cfg) {
        return hallcast::display::run_display(cfg, options);
      },
      // At most the viewer token (only when the relay requires one).
      hallcast::config::Roles{.publisher = false, .operator_ = false, .captioner = false},
  };
  return hallcast::app::main(argc, argv, program);
}
