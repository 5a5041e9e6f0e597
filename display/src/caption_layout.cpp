#include "hallcast/display/caption_layout.hpp"

#include <algorithm>

#include "hallcast/common/text.hpp"

namespace hallcast::display {
namespace {

// Splits UTF-8 into code points (as byte strings). Input is valid UTF-8 (validated at entry).
std::vector<std::string_view> code_point_views(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    n = std::min(n, s.size() - i);
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

bool is_space(std::string_view cp) {
  return cp == " " || cp == "\t" || cp == "\n" || cp == "\r";
}

std::vector<std::vector<std::string_view>> split_words(std::string_view text) {
  std::vector<std::vector<std::string_view>> words;
  std::vector<std::string_view> word;
  for (auto cp : code_point_views(text)) {
    if (is_space(cp)) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word.push_back(cp);
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

std::string join(const std::vector<std::string_view>& cps, size_t from, size_t to) {
  std::string s;
  for (size_t i = from; i < to; ++i) s.append(cps[i]);
  return s;
}

}  // namespace

std::vector<std::string> wrap_text(std::string_view text, int max_cols) {
  const size_t cols = static_cast<size_t>(std::max(1, max_cols));
  std::vector<std::string> lines;
  std::string line;
  size_t line_cols = 0;
  for (const auto& word : split_words(text)) {
    size_t pos = 0;
    while (pos < word.size()) {
      size_t left = word.size() - pos;
      size_t need = left + (line_cols > 0 ? 1 : 0);
      if (line_cols > 0 && line_cols + need > cols) {  // does not fit: new line
        lines.push_back(std::move(line));
        line.clear();
        line_cols = 0;
        continue;
      }
      if (line_cols > 0) {
        line += ' ';
        ++line_cols;
      }
      size_t take = std::min(left, cols - line_cols);  // a word longer than a line is cut
      line += join(word, pos, pos + take);
      line_cols += take;
      pos += take;
    }
  }
  if (line_cols > 0) lines.push_back(std::move(line));
  return lines;
}

CaptionBoard::CaptionBoard(int max_cols, CaptionTiming timing)
    : max_cols_(max_cols), timing_(timing) {}

void CaptionBoard::set(std::string_view text, bool final, int64_t now_ms) {
  text_ = std::string(text);
  final_ = final;
  since_ms_ = now_ms;
  lines_ = wrap_text(text_, max_cols_);
}

void CaptionBoard::clear() {
  text_.clear();
  lines_.clear();
}

void CaptionBoard::set_max_cols(int max_cols) {
  max_cols_ = max_cols;
  lines_ = wrap_text(text_, max_cols_);
}

int CaptionBoard::page_count() const {
  const int per = std::max(1, timing_.lines_per_page);
  return std::max(1, (static_cast<int>(lines_.size()) + per - 1) / per);
}

int64_t CaptionBoard::page_duration_ms(int page) const {
  const int per = std::max(1, timing_.lines_per_page);
  size_t chars = 0;
  for (int i = page * per; i < std::min<int>((page + 1) * per, lines_.size()); ++i) {
    chars += text::code_points(lines_[i]);
  }
  return std::max<int64_t>(timing_.page_min_ms, int64_t(chars) * timing_.page_ms_per_char);
}

std::vector<std::string> CaptionBoard::visible(int64_t now_ms) const {
  if (lines_.empty()) return {};
  const int per = std::max(1, timing_.lines_per_page);
  int64_t elapsed = now_ms - since_ms_;
  if (!final_) {  // partial: the newest lines, updating in place
    if (elapsed > timing_.hold_ms) return {};
    size_t from = lines_.size() > size_t(per) ? lines_.size() - per : 0;
    return {lines_.begin() + from, lines_.end()};
  }
  int page = 0;
  const int pages = page_count();
  while (page < pages - 1 && elapsed >= page_duration_ms(page)) {
    elapsed -= page_duration_ms(page);
    ++page;
  }
  if (page == pages - 1 && elapsed > std::max<int64_t>(timing_.hold_ms, page_duration_ms(page))) {
    return {};
  }
  size_t from = size_t(page) * per;
  size_t to = std::min(lines_.size(), from + per);
  return {lines_.begin() + from, lines_.begin() + to};
}

bool CaptionBoard::animating(int64_t now_ms) const {
  return !visible(now_ms).empty();
}

}  // namespace hallcast::display
