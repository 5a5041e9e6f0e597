// The capture node of one hall: its sources (each in its own pipeline), the program pipeline,
// switching (cut/fade, layouts), the never-black policy (watchdog -> hold -> slate -> return),
// commands and state.
//
// Thread ownership: the GLib main-loop thread (the thread-default main context when start() is
// called) owns the object and calls every method. on_media runs on a GStreamer streaming thread;
// every other callback on the main loop.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <glib.h>
#include <nlohmann/json.hpp>

#include "hallcast/common/config.hpp"
#include "hallcast/streamer/layout.hpp"
#include "hallcast/streamer/program_pipeline.hpp"
#include "hallcast/streamer/program_stats.hpp"
#include "hallcast/streamer/source_pipeline.hpp"

namespace hallcast::streamer {

enum class Health { Starting, Ok, Lost, Retrying };
std::string_view to_string(Health h);

struct StreamerCallbacks {
  Fmp4Muxer::Output on_media;                           // streaming thread
  std::function<void(const nlohmann::json&)> on_state;  // main loop, after every change
  std::function<void()> on_playing;                     // main loop, once
  std::function<void(const std::string&)> on_fatal;     // main loop: the program failed
};

class Streamer {
 public:
  // Throws std::invalid_argument if the hall is unknown or has no sources.
  Streamer(const config::Config& cfg, std::string hall, StreamerCallbacks cb);
  ~Streamer();
  Streamer(const Streamer&) = delete;
  Streamer& operator=(const Streamer&) = delete;

  void start();  // throws std::runtime_error if the program pipeline cannot be built
  void stop();   // EOS through the muxers, then everything stopped

  // A command (docs/protocol.md) -> {"type":"ack"...} or {"type":"error"...}; null json for
  // events that need no answer (title/caption without id).
  nlohmann::json handle(const nlohmann::json& command);
  nlohmann::json state() const;

  const std::string& hall() const { return hall_; }
  const std::string& program() const { return program_; }
  uint64_t frames_encoded() const { return program_pipe_ ? program_pipe_->frames_encoded() : 0; }
  Health health(const std::string& source) const;
  // The program's main source as the watchdog sees it (docs/protocol.md, program_health):
  // "ok", "starting" (no frame yet), "held" (silent: its last frame holds), "slate" (the slate
  // shows in its place while it is retried) or "waiting" (back, but watchdog.auto_return is
  // off: the slate shows until the operator takes it again).
  std::string program_health() const;
  // Drop counters and SRT clients of the running program (zeros before start()).
  const ProgramStats& program_stats() const { return stats_; }
  // Test hook: make a source silent (its buffers are dropped) or let it deliver again.
  void set_source_frozen(const std::string& id, bool frozen);

 private:
  struct Slot {
    config::Source cfg;
    std::unique_ptr<SourcePipeline> pipe;
    Health health = Health::Starting;
    int64_t lost_at_us = 0;       // when it stopped delivering (0 = delivering)
    int64_t steady_since_us = 0;  // delivering continuously since
    int64_t next_retry_us = 0;    // restart due (0 = none)
    int retry_ms = 0;
    bool hidden = false;             // lost past hold_ms: slate shows in its place
    bool awaiting_operator = false;  // recovered, but auto_return is off
    bool restart_pending = false;    // errored: stop on the next tick
  };
  struct Fade {
    std::string from, to;
    int64_t start_us = 0;
    int duration_ms = 0;
  };

  // streamer.cpp: picture
  void apply();
  void apply_audio(const std::string& main);
  double slot_alpha(const Slot& s, bool visible) const;
  void start_fade(const std::string& from, const std::string& to, int duration_ms);
  static gboolean on_fade_tick(gpointer self);
  void refresh_slate_text();
  void changed();
  Slot* find(const std::string& id);
  const Slot* find(const std::string& id) const;

  // streamer_watchdog.cpp: health
  static gboolean on_watchdog_tick(gpointer self);
  void watch(Slot& s, int64_t now);
  void start_source(Slot& s);
  void restart_source(Slot& s, int64_t now);
  void on_source_failure(size_t index, const std::string& message);
  void recovered(Slot& s);

  // streamer_commands.cpp
  nlohmann::json do_switch(const nlohmann::json& c);
  nlohmann::json do_layout(const nlohmann::json& c);
  nlohmann::json do_slate(const nlohmann::json& c);
  nlohmann::json do_title(const nlohmann::json& c);
  nlohmann::json do_caption(const nlohmann::json& c);
  std::string next_session_line() const;

  const config::Config& cfg_;
  std::string hall_;
  StreamerCallbacks cb_;
  ProgramFormat format_;
  std::vector<Slot> slots_;
  std::unique_ptr<ProgramPipeline> program_pipe_;
  ProgramStats stats_;  // attached to program_pipe_ while it runs

  std::string program_;
  std::string preview_;
  Layout layout_;
  bool slate_on_ = false;      // operator's slate
  std::string slate_message_;  // operator's text (empty = config text)
  std::string burn_title_, burn_caption_;
  Fade fade_;
  guint fade_timer_ = 0;
  guint watchdog_timer_ = 0;
};

}  // namespace hallcast::streamer
