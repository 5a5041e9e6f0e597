#include "hallcast/common/notify.hpp"

#include <cstdint>
#include <string>

#include <systemd/sd-daemon.h>

namespace hallcast::notify {

void ready() { sd_notify(0, "READY=1"); }

void status(std::string_view text) {
  std::string msg = "STATUS=";
  msg.append(text);
  sd_notify(0, msg.c_str());
}

void stopping() { sd_notify(0, "STOPPING=1"); }

void watchdog() { sd_notify(0, "WATCHDOG=1"); }

std::chrono::milliseconds watchdog_interval() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(usec / 2000);
}

}  // namespace hallcast::notify
