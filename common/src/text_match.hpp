// Internal to common/: the typo matcher behind text::did_you_mean, for run-time candidate lists.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hallcast::text::detail {

std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string_view>& candidates);

}  // namespace hallcast::text::detail
