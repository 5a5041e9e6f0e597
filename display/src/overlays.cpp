#include "hallcast/display/overlays.hpp"

#include <algorithm>
#include <cmath>

#include "hallcast/common/text.hpp"
#include "hallcast/display/limits.hpp"
#include "hallcast/display/standby_text.hpp"

namespace hallcast::display {
namespace {

constexpr uint32_t kTextRgb = 0xFFFFFF;
constexpr uint32_t kAccentRgb = 0xFFD54F;  // headings on the standby screen
constexpr double kGlyphEm = 0.56;          // average advance of Noto Sans Bold, in em
constexpr const char* kFont = "Noto Sans, DejaVu Sans";

std::string font_desc(const char* weight, int px) {
  return std::string(kFont) + " " + weight + " " + std::to_string(std::max(px, 8)) + "px";
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

std::string esc(const std::string& s) {
  return text::escape_markup(s);
}

std::string colored(uint32_t rgb, const std::string& escaped) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%06X", rgb & 0xFFFFFF);
  return std::string("<span foreground=\"") + buf + "\">" + escaped + "</span>";
}

}  // namespace

OverlayGeometry make_geometry(int width, int height, double font_scale, double safe_area) {
  OverlayGeometry g;
  const double s = std::clamp(font_scale, 0.25, 4.0);
  const double safe = std::clamp(safe_area, 0.0, 0.25);
  g.margin_x = int(std::lround(width * safe));
  g.margin_y = int(std::lround(height * safe));
  g.caption_px = int(std::lround(height * 0.058 * s));
  g.title_px = int(std::lround(height * 0.042 * s));
  g.lower_name_px = int(std::lround(height * 0.045 * s));
  g.corner_px = int(std::lround(height * 0.032 * s));
  g.standby_event_px = int(std::lround(height * 0.06 * s));
  g.standby_session_px = int(std::lround(height * 0.05 * s));
  g.standby_clock_px = int(std::lround(height * 0.11 * s));
  const double usable = width - 2.0 * g.margin_x;
  g.caption_cols = std::max(10, int(usable / (kGlyphEm * g.caption_px)));
  return g;
}

Overlays::Overlays(const config::Config& cfg, const ScreenSettings& screen, GstBin* bin, int width,
                   int height)
    : cfg_(cfg),
      screen_(screen),
      geo_(make_geometry(width, height, screen.display.font_scale, screen.display.safe_area)),
      captions_(geo_.caption_cols,
                CaptionTiming{limits::kCaptionLines, limits::kCaptionHoldMs,
                              limits::kCaptionPageMinMs, limits::kCaptionPageMsPerChar}) {
  auto get = [&](Layer& l, const char* name) { l.element = gst_bin_get_by_name(bin, name); };
  get(title_, "ov_title");
  get(lower_, "ov_lower");
  get(caption_, "ov_caption");
  get(corner_, "ov_corner");
  get(sb_event_, "sb_event");
  get(sb_session_, "sb_session");
  get(sb_clock_, "sb_clock");
  init_layer(title_, "title", "Bold", geo_.title_px, "top", "left", false);
  init_layer(lower_, "lower", "Bold", geo_.lower_name_px, "bottom", "left", false);
  init_layer(caption_, "caption", "Bold", geo_.caption_px, "bottom", "center", true);
  init_layer(corner_, "corner", "Bold", geo_.corner_px, "top", "right", false);
  init_layer(sb_event_, "sb_event", "Bold", geo_.standby_event_px, "top", "center", false);
  init_layer(sb_session_, "sb_session", "Bold", geo_.standby_session_px, "center", "center", false);
  init_layer(sb_clock_, "sb_clock", "Bold", geo_.standby_clock_px, "bottom", "center", false);
  // The lower third sits above the caption area (two caption lines plus a gap).
  g_object_set(lower_.element, "ypad",
               geo_.margin_y + int(geo_.caption_px * 1.4 * limits::kCaptionLines) + geo_.margin_y,
               nullptr);
  g_object_set(sb_event_.element, "ypad", int(height * 0.14), nullptr);
  g_object_set(sb_clock_.element, "ypad", int(height * 0.24), nullptr);  // clear of captions
}

Overlays::~Overlays() {
  for (Layer* l : {&title_, &lower_, &caption_, &corner_, &sb_event_, &sb_session_, &sb_clock_}) {
    if (l->element != nullptr) gst_object_unref(l->element);
  }
}

void Overlays::init_layer(Layer& layer, const char* name, const char* weight, int px,
                          const char* valign, const char* halign, bool shaded) {
  if (layer.element == nullptr) throw std::runtime_error(std::string("no overlay ") + name);
  GObject* o = G_OBJECT(layer.element);
  g_object_set(o, "font-desc", font_desc(weight, px).c_str(), "auto-resize", FALSE, "text", "",
               "silent", TRUE, "xpad", geo_.margin_x, "ypad", geo_.margin_y, "draw-shadow", TRUE,
               "draw-outline", TRUE, "shaded-background", shaded, "shading-value", 160u, nullptr);
  gst_util_set_object_arg(o, "valignment", valign);
  gst_util_set_object_arg(o, "halignment", halign);
  gst_util_set_object_arg(o, "line-alignment", halign);  // lines flush with their corner
  gst_util_set_object_arg(o, "wrap-mode", "wordchar");   // a safety net behind our own wrapping
}

void Overlays::show(Layer& layer, const std::string& plain, const std::string& markup, bool fade) {
  if (layer.plain == plain && (layer.target == 255) == !plain.empty()) return;
  layer.plain = plain;
  if (!plain.empty()) {
    g_object_set(layer.element, "text", markup.c_str(), "silent", FALSE, nullptr);
    if (fade) layer.alpha = 0;
    layer.target = 255;
    if (!fade) layer.alpha = 255;
  } else {
    layer.target = 0;
    if (!fade) layer.alpha = 0;
  }
  apply_alpha(layer);
}

void Overlays::apply_alpha(Layer& layer) {
  const uint32_t a = uint32_t(std::clamp(layer.alpha, 0, 255)) << 24;
  g_object_set(layer.element, "color", a | kTextRgb, "outline-color", a | 0x000000u, "silent",
               layer.alpha == 0, nullptr);
}

void Overlays::fade_step() {
  const int step = std::max(1, 255 * limits::kFadeTickMs / limits::kTitleFadeMs);
  for (Layer* l : {&title_, &lower_}) {
    if (l->alpha == l->target) continue;
    l->alpha = l->target > l->alpha ? std::min(l->target, l->alpha + step)
                                    : std::max(l->target, l->alpha - step);
    apply_alpha(*l);
  }
}

void Overlays::set_caption(const CaptionEvent& caption, int64_t now_ms) {
  if (!screen_.has_overlay("captions")) return;
  if (caption.text.empty()) {
    captions_.clear();
  } else {
    captions_.set(caption.text, caption.final, now_ms);
  }
}

void Overlays::set_title(const TitleEvent& title) {
  if (!screen_.has_overlay("title")) return;
  show(title_, title.cleared ? "" : title.text, esc(title.text), true);
  std::string plain = title.name;
  if (!title.role.empty()) plain += (plain.empty() ? "" : "\n") + title.role;
  std::string markup = "<b>" + esc(title.name) + "</b>";
  if (!title.role.empty()) {
    markup += (title.name.empty() ? "" : "\n") +
              std::string("<span size=\"80%\" weight=\"normal\">") + esc(title.role) + "</span>";
  }
  show(lower_, title.cleared ? "" : plain, markup, true);
}

void Overlays::tick(config::TimePoint now, int64_t now_ms) {
  fade_step();
  std::string lines = join_lines(captions_.visible(now_ms));
  show(caption_, lines, esc(lines), false);

  const std::string clock = format_clock(now, cfg_.event.timezone);
  std::string corner;
  // The standby screen shows both already.
  if (screen_.has_overlay("event") && !standby_) corner = cfg_.event.name;
  if (screen_.has_overlay("clock") && !standby_) corner += (corner.empty() ? "" : "\n") + clock;
  show(corner_, corner, esc(corner), false);

  StandbyText sb = make_standby_text(cfg_, screen_.display.hall, now);
  show(sb_event_, sb.event, esc(sb.event), false);
  std::string session_plain =
      sb.heading.empty() ? "" : sb.heading + "\n" + sb.session + "\n" + sb.when;
  std::string session_markup = sb.heading.empty()
                                   ? ""
                                   : colored(kAccentRgb, esc(sb.heading)) + "\n" + esc(sb.session) +
                                         "\n" + "<span size=\"80%\">" + esc(sb.when) + "</span>";
  show(sb_session_, session_plain, session_markup, false);
  show(sb_clock_, clock, esc(clock), false);
}

std::map<std::string, std::string> Overlays::texts() const {
  std::map<std::string, std::string> out;
  auto put = [&](const char* name, const Layer& l) { out[name] = l.target ? l.plain : ""; };
  put("title", title_);
  put("lower_third", lower_);
  put("caption", caption_);
  put("corner", corner_);
  put("standby_event", sb_event_);
  put("standby_session", sb_session_);
  put("standby_clock", sb_clock_);
  return out;
}

}  // namespace hallcast::display
