#include "hallcast/common/app.hpp"

#include <cstdio>
#include <exception>
#include <iostream>

#include "hallcast/common/limits.hpp"
#include "hallcast/common/logging.hpp"
#include "hallcast/common/version.hpp"

namespace hallcast::app {
namespace {

int report(const config::ConfigError& e) {
  for (const auto& p : e.problems()) std::cerr << p.format() << '\n';
  std::cerr << e.problems().size() << (e.problems().size() == 1 ? " problem" : " problems")
            << " in the configuration\n";
  return limits::kExitConfig;
}

}  // namespace

int main(int argc, char** argv, const Program& program) {
  CLI::App cli{program.description, program.name};
  CommonOptions opts;
  cli.add_option("-c,--config", opts.config_path, "Event configuration (TOML)")->required();
  cli.add_flag("--check-config", opts.check_config,
               "Validate the configuration, print every problem, exit 0 (valid) or 78");
  cli.add_option("--log-level", opts.log_level, "trace, debug, info, warn, error, critical, off");
  cli.set_version_flag("--version", std::string(program.name) + " " + std::string(kVersion));
  if (program.add_options) program.add_options(cli);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = cli.exit(e);
    return rc == 0 ? 0 : limits::kExitConfig;
  }

  try {
    config::Config cfg = config::load(opts.config_path, program.roles);
    if (opts.check_config) {
      std::cout << opts.config_path << ": valid\n";
      return limits::kExitOk;
    }
    logging::setup(opts.log_level.empty() ? cfg.log_level : opts.log_level);
    return program.run(cfg);
  } catch (const config::ConfigError& e) {
    return report(e);
  } catch (const std::invalid_argument& e) {
    std::cerr << program.name << ": " << e.what() << '\n';
    return limits::kExitConfig;
  } catch (const std::exception& e) {
    logging::get("main")->critical("{}", e.what());
    return limits::kExitRuntime;
  }
}

}  // namespace hallcast::app
