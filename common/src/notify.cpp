#include "hallcast/common/notify.hpp"

#include <cstdint>
#include <string>

#include <systemd/sd-daemon.h>

namespace hallcast::notify {

void ready() {
  sd_notify(0, "READY=1");
}

void status(std::string_view text) {
  // One line: a newline in the text (a title, a source label) would start another assignment
  // (e.g. "READY=1") in the datagram; a NUL would cut it short.
  std::string msg = "STATUS=";
  for (char c : text) msg.push_back(c == '\n' || c == '\r' || c == '\0' ? ' ' : c);
  sd_notify(0, msg.c_str());
}

void stopping() {
  sd_notify(0, "STOPPING=1");
}

void watchdog() {
  sd_notify(0, "WATCHDOG=1");
}

std::chrono::milliseconds watchdog_interval() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(usec / 2000);
}

}  // namespace hallcast::notify
