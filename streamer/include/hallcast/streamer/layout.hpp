// Layouts of the program picture: which sources are visible where. Pure functions; any thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hallcast::streamer {

enum class LayoutMode { Full, Pip, Sbs };
enum class Corner { TopLeft, TopRight, BottomLeft, BottomRight };

struct Layout {
  LayoutMode mode = LayoutMode::Full;
  // Full: unused (the program source fills the frame). Pip: {main, small}. Sbs: {left, right}.
  std::vector<std::string> sources;
  Corner corner = Corner::BottomRight;
};

struct PadGeometry {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
  int zorder = 1;
  bool visible = false;
};

// Geometry for every id in `ids` on a width x height program frame.
std::map<std::string, PadGeometry> compute_layout(const Layout& layout, const std::string& program,
                                                  const std::vector<std::string>& ids, int width,
                                                  int height);
// The source whose audio "follows" the picture: the program (full) or the main/left source.
std::string main_source(const Layout& layout, const std::string& program);

std::optional<LayoutMode> parse_mode(std::string_view s);
std::optional<Corner> parse_corner(std::string_view s);
std::string_view to_string(LayoutMode m);
std::string_view to_string(Corner c);

}  // namespace hallcast::streamer
