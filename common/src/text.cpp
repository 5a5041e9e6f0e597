// Text rules: UTF-8 validation, NFC normalisation, markup escaping, typo hints (GLib based).
#include "hallcast/common/text.hpp"

#include "text_match.hpp"

#include <glib.h>

#include <algorithm>
#include <vector>

namespace hallcast::text {

bool is_valid_utf8(std::string_view s) {
  // g_utf8_validate_len accepts embedded NULs as invalid, which is what we want.
  return g_utf8_validate_len(s.data(), static_cast<gsize>(s.size()), nullptr) != FALSE;
}

std::optional<std::string> normalize_nfc(std::string_view s) {
  if (!is_valid_utf8(s)) return std::nullopt;
  if (s.empty()) return std::string();
  gchar* out = g_utf8_normalize(s.data(), static_cast<gssize>(s.size()), G_NORMALIZE_NFC);
  if (out == nullptr) return std::nullopt;
  std::string result(out);
  g_free(out);
  return result;
}

size_t code_points(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;  // count every byte that is not a continuation byte
  }
  return n;
}

std::string escape_markup(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

// Edit distance (insert, delete, substitute; a swap of neighbours counts as one edit).
size_t edit_distance(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  const size_t m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1, 0));
  for (size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

}  // namespace

namespace detail {

std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string_view>& candidates) {
  std::optional<std::string> best;
  size_t best_distance = 0;
  // Close enough: a third of the word's length (at least one edit, at most three).
  const size_t limit = std::max<size_t>(1, std::min<size_t>(3, word.size() / 3));
  for (std::string_view c : candidates) {
    if (c == word) continue;
    const size_t dist = edit_distance(word, c);
    if (dist <= limit && (!best || dist < best_distance)) {
      best = std::string(c);
      best_distance = dist;
    }
  }
  return best;
}

}  // namespace detail

std::optional<std::string> did_you_mean(std::string_view word,
                                        const std::initializer_list<std::string_view>& candidates) {
  return detail::closest(word, std::vector<std::string_view>(candidates));
}

}  // namespace hallcast::text
