// Logging: spdlog named loggers, one per part ("relay", "streamer", "display", "gst", "lws",
// "config"). When stderr is the journal (JOURNAL_STREAM names stderr's device and inode, as
// systemd sets it) lines carry no timestamp of their own and start with the syslog priority
// "<N>" that journald reads (so `journalctl -p err` finds errors).
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
// The syslog priority journald gets for a level: critical 2, error 3, warn 4, info 6, debug and
// trace 7.
int syslog_priority(spdlog::level::level_enum level);
// Whether stderr is connected to the journal: JOURNAL_STREAM ("DEV:INODE") matches stderr's
// fstat() (a child that inherited the variable with stderr redirected elsewhere is not).
bool stderr_is_journal();

}  // namespace hallcast::logging
