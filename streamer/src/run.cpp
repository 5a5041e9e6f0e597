#include "hallcast/streamer/run.hpp"

#include <cmath>
#include <csignal>
#include <optional>

#include <glib-unix.h>
#include <gst/gst.h>

#include "hallcast/common/limits.hpp"
#include "hallcast/common/logging.hpp"
#include "hallcast/common/notify.hpp"
#include "hallcast/streamer/control_server.hpp"
#include "hallcast/streamer/gst_log.hpp"
#include "hallcast/streamer/relay_publisher.hpp"
#include "hallcast/streamer/streamer.hpp"
#include "hallcast/streamer/streamer_limits.hpp"

namespace hallcast::streamer {
namespace {

auto log() {
  return logging::get("streamer");
}

// Everything run() owns, for the main-loop callbacks. Main-loop thread.
struct Node {
  GMainLoop* loop = nullptr;
  int exit_code = hallcast::limits::kExitOk;
  std::optional<RelayPublisher> publisher;
  std::optional<ControlServer> control;
  std::optional<Streamer> streamer;
  bool srt = false;            // the hall has an SRT output
  uint64_t last_frames = 0;    // at the last STATUS line
  uint64_t health_frames = 0;  // at the last health report
  int64_t health_at_us = 0;    // monotonic time of the last health report
  double fps = 0.0;            // frames encoded per second over the last health interval
};

// Frames dropped on the way out, by where (docs/protocol.md, "stats").
struct Drops {
  uint64_t program = 0, srt = 0, relay = 0;
  uint64_t total() const { return program + srt + relay; }
  nlohmann::json json() const { return {{"program", program}, {"srt", srt}, {"relay", relay}}; }
};

Drops dropped(const Node& n) {
  const ProgramStats& ps = n.streamer->program_stats();
  return {ps.timeline_gaps(), ps.output_drops(),
          n.publisher ? n.publisher->fragments_dropped() : 0};
}

// The streamer's health counters for the relay's /metrics (docs/protocol.md).
nlohmann::json stats(const Node& n) {
  const ProgramStats& ps = n.streamer->program_stats();
  Drops d = dropped(n);
  nlohmann::json outputs = nlohmann::json::object();
  if (n.srt) outputs["srt"] = {{"clients", ps.srt_clients()}};
  if (n.publisher)
    outputs["relay"] = {{"connected", n.publisher->connected()},
                        {"connects", n.publisher->connects()},
                        {"queue_fragments", n.publisher->queued_fragments()},
                        {"queue_bytes", n.publisher->queued_bytes()}};
  return {{"interval_ms", streamer::limits::kHealthReportMs},
          {"frames_encoded", n.streamer->frames_encoded()},
          {"fps", std::round(n.fps * 100.0) / 100.0},
          {"frames_dropped", d.total()},
          {"dropped", d.json()},
          {"outputs", outputs}};
}

// The state the relay gets: the streamer's state plus its health counters.
std::string full_state(const Node& n) {
  nlohmann::json s = n.streamer->state();
  s["stats"] = stats(n);
  return s.dump();
}

// Every kHealthReportMs: the fps gauge, and the state with fresh stats to the relay.
gboolean on_health(gpointer data) {
  auto* n = static_cast<Node*>(data);
  try {
    int64_t now = g_get_monotonic_time();
    uint64_t frames = n->streamer->frames_encoded();
    if (n->health_at_us != 0 && now > n->health_at_us)
      n->fps = (frames - n->health_frames) * 1e6 / static_cast<double>(now - n->health_at_us);
    n->health_frames = frames;
    n->health_at_us = now;
    if (n->publisher && n->publisher->connected()) n->publisher->send_text(full_state(*n));
  } catch (const std::exception& e) {
    log()->error("health report: {}", e.what());
  }
  return G_SOURCE_CONTINUE;
}

gboolean on_signal(gpointer data) {
  auto* n = static_cast<Node*>(data);
  log()->info("stopping (signal)");
  notify::stopping();
  g_main_loop_quit(n->loop);
  return G_SOURCE_CONTINUE;
}

gboolean on_status(gpointer data) try {
  auto* n = static_cast<Node*>(data);
  uint64_t frames = n->streamer->frames_encoded();
  double fps = (frames - n->last_frames) * 1000.0 / streamer::limits::kStatusIntervalMs;
  n->last_frames = frames;
  std::string relay = !n->publisher               ? "no relay"
                      : n->publisher->connected() ? "relay connected"
                                                  : "relay away";
  std::string status = "program " + n->streamer->program() + " (" + n->streamer->program_health() +
                       "), " + relay + ", " + std::to_string(static_cast<int>(fps + 0.5)) + " fps";
  status += ", " + std::to_string(dropped(*n).total()) + " frames dropped";
  if (n->srt)
    status += ", " + std::to_string(n->streamer->program_stats().srt_clients()) + " SRT clients";
  notify::status(status);
  log()->debug("status: {}", status);
  return G_SOURCE_CONTINUE;
} catch (const std::exception& e) {
  log()->error("status: {}", e.what());
  return G_SOURCE_CONTINUE;
}

gboolean on_watchdog(gpointer) {
  notify::watchdog();
  return G_SOURCE_CONTINUE;
}

std::string pick_hall(const config::Config& cfg, const std::string& wanted) {
  if (!wanted.empty()) {
    if (!cfg.find_hall(wanted))
      throw std::invalid_argument("--hall: no hall '" + wanted + "' in the config");
    return wanted;
  }
  if (cfg.halls.empty()) throw std::invalid_argument("the config has no [[halls]]");
  return cfg.halls.front().id;
}

void wire(Node& n, const config::Config& cfg, const std::string& hall, const RunOptions& opts) {
  StreamerCallbacks cb;
  if (!cfg.outputs.relay_url.empty()) {
    n.publisher.emplace(
        RelayPublisher::Options{cfg.outputs.relay_url, hall, cfg.auth.publisher_token},
        [&n](const nlohmann::json& c) {
          // The relay gives every command it forwards an id; messages without one are events
          // (title, caption, ...) that need no answer.
          nlohmann::json reply = n.streamer->handle(c);
          if (!reply.is_null() && c.is_object() && c.contains("id"))
            n.publisher->send_text(reply.dump());
        },
        g_main_context_default());
    n.publisher->set_on_connected([&n] { n.publisher->send_text(full_state(n)); });
    cb.on_media = [&n](const media::FrameHeader& h, std::vector<uint8_t>&& bytes) {
      n.publisher->publish(h, std::move(bytes));
    };
  }
  cb.on_state = [&n](const nlohmann::json& s) {
    if (n.control) n.control->broadcast(s);
    if (n.publisher) {
      nlohmann::json full = s;
      full["stats"] = stats(n);
      n.publisher->send_text(full.dump());
    }
  };
  cb.on_playing = [&n] {
    notify::ready();
    on_status(&n);  // a STATUS line at once, not only after the first interval
  };
  cb.on_fatal = [&n](const std::string&) {
    n.exit_code = hallcast::limits::kExitRuntime;
    g_main_loop_quit(n.loop);
  };
  n.streamer.emplace(cfg, hall, std::move(cb));
  n.srt = !cfg.find_hall(hall)->srt_listen.empty();
  if (!opts.control.empty())
    n.control.emplace(
        opts.control, [&n](const nlohmann::json& c) { return n.streamer->handle(c); },
        [&n] { return n.streamer->state(); });
}

}  // namespace

int run(const config::Config& cfg, const RunOptions& opts) {
  gst_init(nullptr, nullptr);
  route_gst_log();
  std::string hall = pick_hall(cfg, opts.hall);
  Node n;
  n.loop = g_main_loop_new(nullptr, FALSE);
  wire(n, cfg, hall, opts);
  n.streamer->start();
  if (n.control) n.control->start();
  if (n.publisher) n.publisher->start();
  log()->info(
      "hallcast-streamer for hall {} started ({} output{})", hall,
      n.publisher ? "relay " + cfg.outputs.relay_url : "no relay",
      cfg.find_hall(hall)->srt_listen.empty() ? "" : ", SRT " + cfg.find_hall(hall)->srt_listen);
  guint sig_term = g_unix_signal_add(SIGTERM, &on_signal, &n);
  guint sig_int = g_unix_signal_add(SIGINT, &on_signal, &n);
  guint status = g_timeout_add(streamer::limits::kStatusIntervalMs, &on_status, &n);
  guint health = g_timeout_add(streamer::limits::kHealthReportMs, &on_health, &n);
  guint dog = 0;
  if (auto every = notify::watchdog_interval(); every.count() > 0)
    dog = g_timeout_add(static_cast<guint>(every.count()), &on_watchdog, nullptr);
  g_main_loop_run(n.loop);
  for (guint id : {sig_term, sig_int, status, health, dog})
    if (id) g_source_remove(id);
  if (n.control) n.control->stop();
  n.streamer->stop();  // no media callbacks after this
  if (n.publisher) n.publisher->stop();
  n.streamer.reset();
  g_main_loop_unref(n.loop);
  log()->info("stopped");
  return n.exit_code;
}

}  // namespace hallcast::streamer
