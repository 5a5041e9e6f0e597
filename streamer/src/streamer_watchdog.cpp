// Streamer: per-source health. A main-loop timer compares each source's last-buffer time with
// the watchdog timeout: silent -> lost (its last frame holds), after slate.hold_ms -> hidden (the
// slate layer shows), retried with back-off; delivering steadily again -> ok (and back on air
// when watchdog.auto_return).
#include <algorithm>

#include "hallcast/common/logging.hpp"
#include "hallcast/streamer/streamer.hpp"
#include "hallcast/streamer/streamer_limits.hpp"

namespace hallcast::streamer {
namespace {

auto log() {
  return logging::get("streamer");
}

}  // namespace

gboolean Streamer::on_watchdog_tick(gpointer self) {
  auto* st = static_cast<Streamer*>(self);
  try {
    int64_t now = g_get_monotonic_time();
    bool dirty = false;
    for (auto& s : st->slots_) {
      Health before = s.health;
      bool hidden = s.hidden, waiting = s.awaiting_operator;
      st->watch(s, now);
      dirty |= before != s.health || hidden != s.hidden || waiting != s.awaiting_operator;
    }
    if (dirty) {
      st->apply();
      st->changed();
    }
  } catch (const std::exception& e) {
    log()->error("watchdog: {}", e.what());
  }
  return G_SOURCE_CONTINUE;
}

void Streamer::watch(Slot& s, int64_t now) {
  const auto& w = cfg_.watchdog;
  if (s.restart_pending) {  // failed on its bus: release it here, outside its bus callback
    s.restart_pending = false;
    s.pipe->stop();
  }
  int64_t last = s.pipe->last_buffer_us();
  bool delivering = last != 0 && now - last < w.timeout_ms * 1000LL;
  if (delivering) {
    if (s.steady_since_us == 0) s.steady_since_us = now;
    s.next_retry_us = 0;
    if (s.health == Health::Starting) {
      log()->info("source {} delivering", s.cfg.id);
      recovered(s);
    } else if (s.health != Health::Ok && now - s.steady_since_us >= w.steady_ms * 1000LL) {
      log()->info("source {} back (steady for {} ms)", s.cfg.id, w.steady_ms);
      recovered(s);
    }
    return;
  }
  s.steady_since_us = 0;
  if (s.health == Health::Ok) {
    s.health = Health::Lost;
    s.lost_at_us = now;
    s.next_retry_us = now + s.retry_ms * 1000LL;
    log()->warn("source {} lost (no buffer for {} ms){}", s.cfg.id, w.timeout_ms,
                s.cfg.id == program_ ? ", on air: holding its last frame" : "");
  }
  if (!s.hidden && (s.health == Health::Lost || s.health == Health::Retrying) &&
      now - s.lost_at_us >= cfg_.slate.hold_ms * 1000LL) {
    s.hidden = true;
    if (s.cfg.id == main_source(layout_, program_) && !slate_on_)
      log()->info("source {} replaced by the slate", s.cfg.id);
  }
  if (s.next_retry_us != 0 && now >= s.next_retry_us) restart_source(s, now);
}

void Streamer::recovered(Slot& s) {
  s.health = Health::Ok;
  s.lost_at_us = 0;
  s.next_retry_us = 0;
  s.retry_ms = cfg_.watchdog.retry_initial_ms;
  if (s.hidden) {
    s.hidden = false;
    s.awaiting_operator = !cfg_.watchdog.auto_return;
  }
}

void Streamer::start_source(Slot& s) {
  std::string error;
  if (s.pipe->start(error)) return;
  int64_t now = g_get_monotonic_time();
  log()->warn("source {} cannot start: {}; retrying in {} ms", s.cfg.id, error, s.retry_ms);
  s.health = Health::Retrying;
  if (s.lost_at_us == 0) s.lost_at_us = now;
  s.next_retry_us = now + s.retry_ms * 1000LL;
}

void Streamer::restart_source(Slot& s, int64_t now) {
  s.retry_ms = std::min(s.retry_ms * 2, cfg_.watchdog.retry_max_ms);
  s.health = Health::Retrying;
  // A failed start (here or on the bus) is retried after the back-off; one still starting is
  // left to finish for at least the start grace.
  int wait_ms = std::max(s.retry_ms, limits::kSourceStartGraceMs);
  s.next_retry_us = now + wait_ms * 1000LL;
  log()->info("source {}: restarting (next attempt in {} ms if still silent)", s.cfg.id, wait_ms);
  start_source(s);
}

void Streamer::on_source_failure(size_t index, const std::string& message) {
  Slot& s = slots_.at(index);
  if (s.restart_pending) return;  // one failure per run is enough
  int64_t now = g_get_monotonic_time();
  log()->warn("source {} failed: {}; retrying in {} ms", s.cfg.id, message, s.retry_ms);
  s.restart_pending = true;
  if (s.lost_at_us == 0) s.lost_at_us = now;
  if (s.health == Health::Starting) s.hidden = true;  // never delivered: nothing to hold
  s.health = Health::Retrying;
  s.next_retry_us = now + s.retry_ms * 1000LL;
  apply();
  changed();
}

std::string Streamer::program_health() const {
  const Slot* s = find(main_source(layout_, program_));
  if (!s) return "slate";
  if (s->awaiting_operator) return "waiting";
  if (s->hidden) return "slate";
  switch (s->health) {
    case Health::Ok:
      return "ok";
    case Health::Starting:
      return "starting";
    case Health::Lost:
    case Health::Retrying:
      break;
  }
  return "held";
}

}  // namespace hallcast::streamer
