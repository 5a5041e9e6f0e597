// The words on the standby screen: event name, the current or next session of the hall (title,
// time, hall) and a clock, in the event's time zone. Pure functions over the config.
#pragma once

#include <string>

#include "hallcast/common/config.hpp"

namespace hallcast::display {

struct StandbyText {
  std::string event;    // "Ngày Chuyển đổi số tỉnh Thanh Hóa 2022"
  std::string heading;  // "Đang diễn ra" (on now) | "Tiếp theo" (next) | "" (nothing scheduled)
  std::string session;  // the session's title
  std::string when;     // "08:00 – 09:30 · Hội trường tầng 2" (date added when not today)
};

StandbyText make_standby_text(const config::Config& cfg, const std::string& hall_id,
                              config::TimePoint now);

// "HH:MM" in the IANA time zone (UTC if unknown).
std::string format_clock(config::TimePoint t, const std::string& timezone);
// "dd/MM/yyyy" in the time zone.
std::string format_date(config::TimePoint t, const std::string& timezone);

}  // namespace hallcast::display
