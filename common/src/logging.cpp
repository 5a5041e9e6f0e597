#include "hallcast/common/logging.hpp"

#include <cstdlib>
#include <mutex>
#include <stdexcept>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace hallcast::logging {
namespace {

std::mutex g_mutex;
spdlog::level::level_enum g_level = spdlog::level::info;
std::string g_pattern = "%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v";

}  // namespace

spdlog::level::level_enum parse_level(std::string_view level) {
  static constexpr std::pair<std::string_view, spdlog::level::level_enum> kLevels[] = {
      {"trace", spdlog::level::trace},       {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},         {"warn", spdlog::level::warn},
      {"warning", spdlog::level::warn},      {"error", spdlog::level::err},
      {"critical", spdlog::level::critical}, {"off", spdlog::level::off}};
  for (const auto& [name, value] : kLevels) {
    if (name == level) return value;
  }
  throw std::invalid_argument("unknown log level '" + std::string(level) +
                              "' (trace, debug, info, warn, error, critical, off)");
}

void setup(std::string_view level) {
  std::lock_guard lock(g_mutex);
  g_level = parse_level(level);
  // journald adds its own timestamps and priority; keep the line short there.
  if (std::getenv("JOURNAL_STREAM") != nullptr) g_pattern = "%-5l [%n] %v";
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) {
    l->set_level(g_level);
    l->set_pattern(g_pattern);
  });
  spdlog::set_level(g_level);
}

std::shared_ptr<spdlog::logger> get(const std::string& name) {
  std::lock_guard lock(g_mutex);
  if (auto existing = spdlog::get(name)) return existing;
  auto logger = spdlog::stderr_color_mt(name);
  logger->set_level(g_level);
  logger->set_pattern(g_pattern);
  logger->flush_on(spdlog::level::info);
  return logger;
}

}  // namespace hallcast::logging
