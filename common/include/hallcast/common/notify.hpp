// systemd service notification (sd_notify). No-ops when NOTIFY_SOCKET is unset.
// Call from the thread that runs the main loop, so a hung loop stops the watchdog pings.
#pragma once

#include <chrono>
#include <string_view>

namespace hallcast::notify {

void ready();                        // READY=1, once the process is actually serving
void status(std::string_view text);  // STATUS=<text>, a short human summary
void stopping();                     // STOPPING=1, on SIGTERM before tearing down
void watchdog();                     // WATCHDOG=1
// Half the WatchdogSec systemd asked for, or zero when no watchdog is enabled.
std::chrono::milliseconds watchdog_interval();

}  // namespace hallcast::notify
