// The screen's pipeline. An always-running standby layer and the receive branches meet in an
// input-selector; the screen's own overlays and the sink come after it:
//
//   videotestsrc(standby colour) ! standby texts ─┐
//   [SRT receiver]  ──────────────────────────────┼─ input-selector ! title ! lower third
//   [relay receiver] ─────────────────────────────┘     ! caption ! corner ! videoconvert ! sink
//
// Receive branches are built on demand and thrown away on loss; the selector shows the best
// input that is delivering (SRT, then relay, then standby), so the screen is never black.
// Owned by the main loop thread.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>

#include <gst/gst.h>

#include "hallcast/common/config.hpp"
#include "hallcast/display/backoff.hpp"
#include "hallcast/display/limits.hpp"
#include "hallcast/display/media_cache.hpp"
#include "hallcast/display/overlays.hpp"
#include "hallcast/display/receivers.hpp"
#include "hallcast/display/screen_config.hpp"

namespace hallcast::display {

enum class Showing { Nothing, Standby, Srt, Relay };
const char* to_string(Showing s);

// What the relay's live channel delivered, kept by the app across pipeline rebuilds: the relay
// sends the init segment only when the screen joins, so a rebuilt player could not fall back to
// the relay without it.
struct RelayMedia {
  MediaCache cache{limits::kMediaCacheBytes};
  int64_t last_us = 0;  // last media frame (monotonic µs); 0 = none since the relay went away

  MediaCache::Added add(std::span<const uint8_t> frame);
};

struct PlayerOptions {
  VideoFormat format;
  uintptr_t window = 0;       // X11 window to draw into (0 = the sink's own output)
  std::string sink = "auto";  // display.video_sink
  bool x11 = false;           // an X display is available
};

class Player {
 public:
  // relay_media: owned by the caller, outlives the player.
  Player(const config::Config& cfg, const ScreenSettings& screen, PlayerOptions options,
         const RelayMedia& relay_media);
  ~Player();
  Player(const Player&) = delete;
  Player& operator=(const Player&) = delete;

  void start();  // throws std::runtime_error if the pipeline cannot be built or started
  // Re-evaluates the inputs (connect, lose, fall back, select); call from a main-loop timer.
  void tick();
  // The relay's live channel delivered a frame, already added to relay_media (how it was).
  void on_relay_media(MediaCache::Added added);

  Overlays& overlays() { return *overlays_; }
  Showing showing() const { return showing_; }
  GstElement* video_sink() const { return sink_; }  // the pipeline owns it
  bool failed() const { return failed_; }           // a fatal pipeline error: rebuild the player
  // Writes the last rendered frame as PNG; false (with why) if there is none yet.
  bool screenshot(const std::string& path, std::string* why);

  std::function<void(Showing)> on_showing;  // called when what is on screen changes

 private:
  static gboolean on_bus(GstBus*, GstMessage* msg, gpointer self);
  static GstBusSyncReply on_bus_sync(GstBus*, GstMessage* msg, gpointer self);
  void handle_bus(GstMessage* msg);
  GstElement* make_sink();
  void attach(std::unique_ptr<Receiver>& slot, std::unique_ptr<Receiver> r);
  void detach(std::unique_ptr<Receiver>& slot, const char* why);
  bool healthy(const Receiver* r, int64_t now_us) const;
  void check_lost(std::unique_ptr<Receiver>& slot, int64_t now_us, Backoff& backoff,
                  int64_t& retry_at_us);
  void maybe_start_srt(int64_t now_us);
  void maybe_start_relay(int64_t now_us);
  void select(int64_t now_us);

  const config::Config& cfg_;
  const ScreenSettings& screen_;
  PlayerOptions options_;
  GstElement* pipeline_ = nullptr;
  GstElement* selector_ = nullptr;
  GstElement* sink_ = nullptr;
  GstPad* standby_pad_ = nullptr;
  guint bus_watch_ = 0;
  std::unique_ptr<Overlays> overlays_;
  std::unique_ptr<Receiver> srt_, relay_;
  Backoff srt_backoff_, relay_backoff_;
  int64_t srt_retry_at_us_ = 0, relay_retry_at_us_ = 0;
  int64_t srt_bad_since_us_ = 0;   // SRT not delivering since (0 = delivering)
  int64_t srt_good_since_us_ = 0;  // SRT delivering since (0 = not)
  const RelayMedia& relay_media_;
  uint32_t relay_generation_ = 0;  // init segment the relay receiver was fed
  Showing showing_ = Showing::Nothing;
  bool failed_ = false;
};

}  // namespace hallcast::display
