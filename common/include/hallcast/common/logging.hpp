// Logging: spdlog named loggers, one per part ("relay", "streamer", "display", "gst", "lws",
// "config"). Under systemd (JOURNAL_STREAM set) lines carry no timestamp of their own.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace hallcast::logging {

// Sets the level and pattern for every logger; call once at start-up, before get().
// Throws std::invalid_argument for an unknown level name.
void setup(std::string_view level);
// The named logger, created on first use (thread-safe).
std::shared_ptr<spdlog::logger> get(const std::string& name);
// trace|debug|info|warn|error|critical|off; nullopt-like: throws on anything else.
spdlog::level::level_enum parse_level(std::string_view level);

}  // namespace hallcast::logging
