// The shell every binary's main() shares: common options, config loading, exit codes.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "hallcast/common/config.hpp"

namespace hallcast::app {

struct CommonOptions {
  std::string config_path;
  bool check_config = false;
  std::string log_level;  // empty = the config's log_level
};

struct Program {
  std::string name;         // "hallcast-relay"
  std::string description;  // one line for --help
  // Adds the binary's own options (e.g. --listen) to the parser.
  std::function<void(CLI::App&)> add_options;
  // Runs the binary on a valid config; returns the exit code. Exceptions are caught:
  // config::ConfigError -> 78, anything else -> 1.
  std::function<int(const config::Config&)> run;
  // The roles whose secrets this program uses (config::Roles; default: all, as the relay).
  config::Roles roles{};
};

// Parses --config, --check-config, --log-level, --version, --help plus the program's own;
// with --check-config prints every problem as FILE:LINE:COLUMN: message and exits 0 or 78.
int main(int argc, char** argv, const Program& program);

}  // namespace hallcast::app
