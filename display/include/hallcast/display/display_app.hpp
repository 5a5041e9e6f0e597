// hallcast-display: one hall screen. Owns the GLib main loop and, on it, the player (pipeline),
// the relay client, the overlay and watchdog timers and the signal handlers.
#pragma once

#include <memory>
#include <string>

#include "hallcast/common/config.hpp"

namespace hallcast::display {

struct DisplayOptions {
  std::string screen_id;             // --screen; empty = the only screen in the config
  std::string screenshot_path;       // --screenshot; SIGUSR1 writes PATH (PNG) and PATH.json
  std::string measure_latency_path;  // --measure-latency; JSON lines (latency_meter.hpp)
};

// Runs until SIGTERM/SIGINT; returns the exit code. Throws config::ConfigError for a screen the
// config does not describe, std::runtime_error when the screen cannot be set up at all.
int run_display(const config::Config& cfg, const DisplayOptions& options);

}  // namespace hallcast::display
