// Caption layout: word wrapping by code points and paging of long captions into the one or two
// lines a hall screen shows. Pure logic; time is passed in. Owned by the main loop.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hallcast::display {

// Wraps UTF-8 text into lines of at most max_cols code points, breaking at spaces; a word longer
// than a line is cut. Runs of whitespace collapse to one space.
std::vector<std::string> wrap_text(std::string_view text, int max_cols);

struct CaptionTiming {
  int lines_per_page = 2;
  int hold_ms = 7000;         // visible this long after the last change (or the last page)
  int page_min_ms = 2500;     // each page of a long final caption, at least
  int page_ms_per_char = 45;  // reading time per code point
};

// The caption currently on screen. A partial caption updates in place and shows its last lines
// (the newest words); a final one replaces it and, when longer than a page, is shown page by page.
class CaptionBoard {
 public:
  CaptionBoard(int max_cols, CaptionTiming timing);

  void set(std::string_view text, bool final, int64_t now_ms);
  void clear();
  void set_max_cols(int max_cols);
  // The lines to show now (empty when nothing or expired).
  std::vector<std::string> visible(int64_t now_ms) const;
  // Whether visible() may change without a new caption (paging or expiry pending).
  bool animating(int64_t now_ms) const;

 private:
  int page_count() const;
  int64_t page_duration_ms(int page) const;

  int max_cols_;
  CaptionTiming timing_;
  std::string text_;
  bool final_ = false;
  int64_t since_ms_ = 0;
  std::vector<std::string> lines_;
};

}  // namespace hallcast::display
