#include "hallcast/streamer/command_json.hpp"

#include "hallcast/common/limits.hpp"
#include "hallcast/common/text.hpp"

namespace hallcast::streamer {

std::optional<nlohmann::json> parse_command(std::string_view text, size_t max_bytes,
                                            std::string& error) {
  if (text.size() > max_bytes) {
    error = "message larger than " + std::to_string(max_bytes) + " bytes";
    return std::nullopt;
  }
  if (!text::is_valid_utf8(text)) {
    error = "message is not valid UTF-8";
    return std::nullopt;
  }
  bool too_deep = false;
  auto guard = [&too_deep](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    if (depth > hallcast::limits::kMaxJsonDepth) too_deep = true;
    return !too_deep;
  };
  nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), guard, false);
  if (too_deep) {
    error = "JSON nested deeper than " + std::to_string(hallcast::limits::kMaxJsonDepth);
    return std::nullopt;
  }
  if (j.is_discarded()) {
    error = "not valid JSON";
    return std::nullopt;
  }
  return j;
}

}  // namespace hallcast::streamer
