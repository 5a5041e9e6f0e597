#include "hallcast/display/display_app.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <glib-unix.h>
#include <gst/gst.h>
#include <nlohmann/json.hpp>

#include "hallcast/common/limits.hpp"
#include "hallcast/common/logging.hpp"
#include "hallcast/common/notify.hpp"
#include "hallcast/display/gst_log.hpp"
#include "hallcast/display/latency_meter.hpp"
#include "hallcast/display/limits.hpp"
#include "hallcast/display/player.hpp"
#include "hallcast/display/relay_client.hpp"
#include "hallcast/display/relay_events.hpp"
#include "hallcast/display/x11_window.hpp"

namespace hallcast::display {
namespace {

constexpr uint32_t kStandbyRgb = 0x0B1F3A;
constexpr int kPlayerRestartMs = 1000;

std::shared_ptr<spdlog::logger> log() {
  return logging::get("display");
}

int64_t wall_ms() {
  return g_get_real_time() / 1000;
}

// Machine-readable progress on stdout, one line per change (tests and supervisors wait on it).
void announce(const std::string& line) {
  std::printf("hallcast-display %s\n", line.c_str());
  std::fflush(stdout);
}

// The application: everything here runs on the main loop thread.
class App {
 public:
  App(const config::Config& cfg, const DisplayOptions& options)
      : cfg_(cfg), options_(options), screen_(resolve_screen(cfg, options.screen_id)) {}

  int run() {
    loop_ = g_main_loop_new(nullptr, FALSE);
    if (!options_.measure_latency_path.empty())
      meter_ = std::make_unique<LatencyMeter>(options_.measure_latency_path);
    open_output();
    make_player();
    if (screen_.relay) start_relay();
    g_timeout_add(limits::kSelectTickMs, &App::on_select_tick, this);
    g_timeout_add(limits::kFadeTickMs, &App::on_overlay_tick, this);
    auto wd = notify::watchdog_interval();
    g_timeout_add(wd.count() > 0 ? guint(wd.count()) : 1000u, &App::on_watchdog, this);
    g_unix_signal_add(SIGTERM, &App::on_stop_signal, this);
    g_unix_signal_add(SIGINT, &App::on_stop_signal, this);
    g_unix_signal_add(SIGUSR1, &App::on_screenshot_signal, this);
    log()->info(
        "screen {} (hall {}): srt {} relay {}", screen_.display.id, screen_.display.hall,
        screen_.play_srt ? screen_.srt_url : "off",
        screen_.relay ? screen_.relay->host + ":" + std::to_string(screen_.relay->port) : "off");
    g_main_loop_run(loop_);
    if (relay_) relay_->stop();
    relay_.reset();
    player_.reset();
    if (meter_) meter_->finish();
    window_.reset();
    g_main_loop_unref(loop_);
    log()->info("stopped");
    return hallcast::limits::kExitOk;
  }

 private:
  void open_output() {
    const std::string& sink = screen_.display.video_sink;
    const bool wants_x = sink != "kmssink" && std::getenv("DISPLAY") != nullptr;
    if (wants_x) window_ = X11Window::open(kStandbyRgb);
    options_player_.x11 = window_ != nullptr;
    options_player_.sink = sink;
    if (window_) {
      options_player_.window = window_->handle();
      options_player_.format = {window_->width(), window_->height()};
      log()->info("full-screen window {}x{} on {}", window_->width(), window_->height(),
                  window_->name());
    } else {
      options_player_.format = {cfg_.program.width, cfg_.program.height};
      log()->info("no X display: drawing with {} at {}x{}", sink == "auto" ? "kmssink" : sink,
                  cfg_.program.width, cfg_.program.height);
    }
  }

  void make_player() {
    player_ = std::make_unique<Player>(cfg_, screen_, options_player_, relay_media_);
    player_->on_showing = [this](Showing s) {
      announce(std::string("showing ") + to_string(s));
      if (meter_)
        meter_->set_input(s == Showing::Srt ? "srt" : s == Showing::Relay ? "relay" : "standby");
      notify::status(std::string("showing ") + to_string(s));
      if (!ready_) notify::ready();
      ready_ = true;
    };
    player_->start();
    if (meter_) meter_->attach(player_->video_sink());
    if (last_title_) player_->overlays().set_title(*last_title_);
  }

  void start_relay() {
    RelayClient::Callbacks cb;
    cb.on_text = [this](std::string_view text) { on_relay_text(text); };
    cb.on_binary = [this](std::span<const uint8_t> frame) {
      const MediaCache::Added added = relay_media_.add(frame);
      if (player_) player_->on_relay_media(added);
    };
    cb.on_connection = [this](bool up) {
      announce(up ? "relay connected" : "relay disconnected");
      if (!up) relay_media_.last_us = 0;
    };
    relay_ =
        std::make_unique<RelayClient>(loop_, *screen_.relay, screen_.viewer_token, std::move(cb));
    relay_->start();
  }

  void on_relay_text(std::string_view text) {
    std::string error;
    auto event = parse_relay_event(text, &error);
    if (!event) {
      log()->warn("relay event ignored: {}", error);
      return;
    }
    if (auto* c = std::get_if<CaptionEvent>(&*event)) {
      log()->debug("caption {} ({})", c->id, c->final ? "final" : "partial");
      if (player_) player_->overlays().set_caption(*c, wall_ms());
    } else if (auto* t = std::get_if<TitleEvent>(&*event)) {
      apply_title(*t);
    } else if (auto* h = std::get_if<HelloEvent>(&*event)) {
      apply_title(h->title);
      // Show the newest caption only while it would still be on screen.
      if (!h->captions.empty() && player_) {
        const CaptionEvent& last = h->captions.back();
        if (last.t_ms > 0 && wall_ms() - last.t_ms < limits::kCaptionHoldMs) {
          player_->overlays().set_caption(last, last.t_ms);
        }
      }
    } else if (auto* s = std::get_if<StateEvent>(&*event)) {
      if (s->live) log()->info("relay says the stream is {}", *s->live ? "live" : "offline");
    }
  }

  void apply_title(const TitleEvent& t) {
    log()->info("title {}", t.cleared ? "cleared" : "set");
    last_title_ = t;
    if (player_) player_->overlays().set_title(t);
  }

  static gboolean on_select_tick(gpointer self) {
    auto* a = static_cast<App*>(self);
    try {
      if (a->player_ && a->player_->failed()) a->restart_player();
      if (a->player_) a->player_->tick();
    } catch (const std::exception& e) {
      log()->error("player: {}", e.what());
      a->player_.reset();
      a->restart_at_ = g_get_monotonic_time() + kPlayerRestartMs * 1000;
    }
    if (!a->player_ && g_get_monotonic_time() >= a->restart_at_) {
      try {
        a->make_player();
      } catch (const std::exception& e) {
        log()->error("player: {}", e.what());
        a->player_.reset();
        a->restart_at_ = g_get_monotonic_time() + kPlayerRestartMs * 1000;
      }
    }
    return G_SOURCE_CONTINUE;
  }

  void restart_player() {
    log()->warn("restarting the pipeline");
    player_.reset();
    restart_at_ = g_get_monotonic_time() + kPlayerRestartMs * 1000;
  }

  static gboolean on_overlay_tick(gpointer self) {
    auto* a = static_cast<App*>(self);
    if (a->player_) a->player_->overlays().tick(std::chrono::system_clock::now(), wall_ms());
    return G_SOURCE_CONTINUE;
  }

  static gboolean on_watchdog(gpointer) {
    notify::watchdog();
    return G_SOURCE_CONTINUE;
  }

  static gboolean on_stop_signal(gpointer self) {
    auto* a = static_cast<App*>(self);
    log()->info("stopping on signal");
    notify::stopping();
    g_main_loop_quit(a->loop_);
    return G_SOURCE_CONTINUE;
  }

  static gboolean on_screenshot_signal(gpointer self) {
    static_cast<App*>(self)->screenshot();
    return G_SOURCE_CONTINUE;
  }

  void screenshot() {
    const std::string& path = options_.screenshot_path;
    if (path.empty() || !player_) return;
    std::string why;
    if (!player_->screenshot(path, &why)) {
      log()->warn("screenshot: {}", why);
      announce("screenshot failed");
      return;
    }
    nlohmann::json j;
    j["showing"] = to_string(player_->showing());
    j["overlays"] = player_->overlays().texts();
    std::ofstream(path + ".json") << j.dump(2) << '\n';
    announce("screenshot " + path);
  }

  const config::Config& cfg_;
  DisplayOptions options_;
  ScreenSettings screen_;
  PlayerOptions options_player_;
  GMainLoop* loop_ = nullptr;
  std::unique_ptr<X11Window> window_;
  std::unique_ptr<LatencyMeter> meter_;  // outlives every player whose sink it probes
  RelayMedia relay_media_;  // outlives each player (declared before it: destroyed after it)
  std::unique_ptr<Player> player_;
  std::unique_ptr<RelayClient> relay_;
  std::optional<TitleEvent> last_title_;
  int64_t restart_at_ = 0;
  bool ready_ = false;
};

}  // namespace

int run_display(const config::Config& cfg, const DisplayOptions& options) {
  gst_init(nullptr, nullptr);
  route_gst_log();
  App app(cfg, options);
  return app.run();
}

}  // namespace hallcast::display
