// The text drawn by the screen itself (not burned into the video): captions, the session title
// and the speaker's lower third (with a short fade), an optional corner with the event name and a
// clock, and the standby screen's words. Every string is escaped before it reaches textoverlay
// (whose text property is Pango markup). Owned by the main loop; sets element properties only.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <gst/gst.h>

#include "hallcast/common/config.hpp"
#include "hallcast/display/caption_layout.hpp"
#include "hallcast/display/relay_events.hpp"
#include "hallcast/display/screen_config.hpp"

namespace hallcast::display {

// Sizes in pixels for a screen; pure.
struct OverlayGeometry {
  int margin_x = 0, margin_y = 0;  // safe area
  int caption_px = 0, title_px = 0, lower_name_px = 0, corner_px = 0;
  int standby_event_px = 0, standby_session_px = 0, standby_clock_px = 0;
  int caption_cols = 40;  // code points per caption line
};
OverlayGeometry make_geometry(int width, int height, double font_scale, double safe_area);

class Overlays {
 public:
  // bin holds textoverlay elements named ov_title, ov_lower, ov_caption, ov_corner, sb_event,
  // sb_session and sb_clock.
  Overlays(const config::Config& cfg, const ScreenSettings& screen, GstBin* bin, int width,
           int height);
  ~Overlays();
  Overlays(const Overlays&) = delete;
  Overlays& operator=(const Overlays&) = delete;

  void set_caption(const CaptionEvent& caption, int64_t now_ms);
  void set_title(const TitleEvent& title);
  // Whether the standby screen is showing (it has its own event name and clock).
  void set_standby(bool standby) { standby_ = standby; }
  // Paging, expiry, clock, standby schedule and fades; call from a main-loop timer.
  void tick(config::TimePoint now, int64_t now_ms);
  // What each overlay shows now, as plain text (before escaping), for the screenshot hook.
  std::map<std::string, std::string> texts() const;

 private:
  struct Layer {
    GstElement* element = nullptr;
    std::string plain;  // the literal text on screen
    int alpha = 0;      // 0..255, current
    int target = 0;     // 0 or 255
  };
  void init_layer(Layer& layer, const char* name, const char* font, int px, const char* valign,
                  const char* halign, bool shaded);
  void show(Layer& layer, const std::string& plain, const std::string& markup, bool fade);
  void apply_alpha(Layer& layer);
  void fade_step();

  const config::Config& cfg_;
  const ScreenSettings& screen_;
  OverlayGeometry geo_;
  CaptionBoard captions_;
  bool standby_ = true;
  Layer title_, lower_, caption_, corner_, sb_event_, sb_session_, sb_clock_;
};

}  // namespace hallcast::display
