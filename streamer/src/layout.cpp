#include "hallcast/streamer/layout.hpp"

namespace hallcast::streamer {
namespace {

// Picture-in-picture: a third of the frame's width, kept inside a 1/24 margin (title-safe-ish).
constexpr int kPipDivisor = 3;
constexpr int kMarginDivisor = 24;

PadGeometry full(int w, int h, int z) {
  return {0, 0, w, h, z, true};
}

PadGeometry pip_box(Corner c, int w, int h) {
  int pw = w / kPipDivisor, ph = h / kPipDivisor;
  int mx = w / kMarginDivisor, my = h / kMarginDivisor;
  bool left = c == Corner::TopLeft || c == Corner::BottomLeft;
  bool top = c == Corner::TopLeft || c == Corner::TopRight;
  return {left ? mx : w - mx - pw, top ? my : h - my - ph, pw, ph, 3, true};
}

}  // namespace

std::map<std::string, PadGeometry> compute_layout(const Layout& layout, const std::string& program,
                                                  const std::vector<std::string>& ids, int w,
                                                  int h) {
  std::map<std::string, PadGeometry> out;
  for (const auto& id : ids) out[id] = full(w, h, 1);
  for (auto& [id, g] : out) g.visible = false;
  auto set = [&](const std::string& id, PadGeometry g) {
    if (out.count(id)) out[id] = g;
  };
  const auto& s = layout.sources;
  switch (layout.mode) {
    case LayoutMode::Full:
      set(program, full(w, h, 2));
      break;
    case LayoutMode::Pip:
      if (s.size() >= 2) {
        set(s[0], full(w, h, 2));
        set(s[1], pip_box(layout.corner, w, h));
      }
      break;
    case LayoutMode::Sbs:
      if (s.size() >= 2) {
        // Two 16:9 halves, centred vertically, so neither picture is distorted.
        set(s[0], {0, h / 4, w / 2, h / 2, 2, true});
        set(s[1], {w / 2, h / 4, w - w / 2, h / 2, 2, true});
      }
      break;
  }
  return out;
}

std::string main_source(const Layout& layout, const std::string& program) {
  if (layout.mode == LayoutMode::Full || layout.sources.empty()) return program;
  return layout.sources[0];
}

std::optional<LayoutMode> parse_mode(std::string_view s) {
  if (s == "full") return LayoutMode::Full;
  if (s == "pip") return LayoutMode::Pip;
  if (s == "sbs") return LayoutMode::Sbs;
  return std::nullopt;
}

std::optional<Corner> parse_corner(std::string_view s) {
  if (s == "top-left") return Corner::TopLeft;
  if (s == "top-right") return Corner::TopRight;
  if (s == "bottom-left") return Corner::BottomLeft;
  if (s == "bottom-right") return Corner::BottomRight;
  return std::nullopt;
}

std::string_view to_string(LayoutMode m) {
  switch (m) {
    case LayoutMode::Full:
      return "full";
    case LayoutMode::Pip:
      return "pip";
    case LayoutMode::Sbs:
      return "sbs";
  }
  return "full";
}

std::string_view to_string(Corner c) {
  switch (c) {
    case Corner::TopLeft:
      return "top-left";
    case Corner::TopRight:
      return "top-right";
    case Corner::BottomLeft:
      return "bottom-left";
    case Corner::BottomRight:
      return "bottom-right";
  }
  return "bottom-right";
}

}  // namespace hallcast::streamer
