// Text rules shared by every surface: UTF-8 validated at every entry, normalised to NFC,
// never interpreted as markup. Pure functions, any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hallcast::text {

bool is_valid_utf8(std::string_view s);
// NFC-normalised copy; nullopt if s is not valid UTF-8.
std::optional<std::string> normalize_nfc(std::string_view s);
// Number of Unicode code points (s must be valid UTF-8).
size_t code_points(std::string_view s);
// Escapes & < > " ' so the text can be given to Pango (textoverlay) as literal text.
std::string escape_markup(std::string_view s);
// The closest candidate by edit distance if it is close enough to be a likely typo.
std::optional<std::string> did_you_mean(std::string_view word,
                                        const std::initializer_list<std::string_view>& candidates);

}  // namespace hallcast::text
