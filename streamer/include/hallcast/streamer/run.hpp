// hallcast-streamer's body: one hall's Streamer on the GLib main loop, with the relay publisher,
// the local control socket, systemd notifications and clean SIGTERM/SIGINT handling.
#pragma once

#include <string>

#include "hallcast/common/config.hpp"

namespace hallcast::streamer {

struct RunOptions {
  std::string hall;     // empty = the config's first hall
  std::string control;  // "unix:PATH"; empty = no local control socket
};

// Runs until SIGTERM/SIGINT (returns 0) or a fatal pipeline error (returns 1). Throws
// std::invalid_argument for options that do not fit the config.
int run(const config::Config& cfg, const RunOptions& opts);

}  // namespace hallcast::streamer
