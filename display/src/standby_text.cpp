#include "hallcast/display/standby_text.hpp"

#include <chrono>

#include <glib.h>

namespace hallcast::display {
namespace {

std::string format_in_zone(config::TimePoint t, const std::string& timezone, const char* fmt) {
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  GTimeZone* tz = g_time_zone_new_identifier(timezone.c_str());
  if (tz == nullptr) tz = g_time_zone_new_utc();
  GDateTime* utc = g_date_time_new_from_unix_utc(secs);
  GDateTime* local = g_date_time_to_timezone(utc, tz);
  gchar* s = g_date_time_format(local, fmt);
  std::string out = s != nullptr ? s : "";
  g_free(s);
  g_date_time_unref(local);
  g_date_time_unref(utc);
  g_time_zone_unref(tz);
  return out;
}

}  // namespace

std::string format_clock(config::TimePoint t, const std::string& timezone) {
  return format_in_zone(t, timezone, "%H:%M");
}

std::string format_date(config::TimePoint t, const std::string& timezone) {
  return format_in_zone(t, timezone, "%d/%m/%Y");
}

StandbyText make_standby_text(const config::Config& cfg, const std::string& hall_id,
                              config::TimePoint now) {
  StandbyText out;
  out.event = cfg.event.name;
  const config::Session* s = cfg.current_or_next_session(hall_id, now);
  if (s == nullptr) return out;
  const std::string& tz = cfg.event.timezone;
  const bool on_now = s->start <= now && now < s->end;
  out.heading = on_now ? "Đang diễn ra" : "Tiếp theo";
  out.session = s->title;
  std::string when;
  if (format_date(s->start, tz) != format_date(now, tz)) when = format_date(s->start, tz) + " ";
  when += format_clock(s->start, tz) + " – " + format_clock(s->end, tz);
  const config::Hall* hall = cfg.find_hall(s->hall);
  if (hall != nullptr && !hall->name.empty()) when += " · " + hall->name;
  out.when = when;
  return out;
}

}  // namespace hallcast::display
