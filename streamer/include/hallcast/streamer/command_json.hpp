// Parsing of command text from the relay and the control socket: valid UTF-8, bounded size and
// nesting (PLATFORM-NOTES: deep JSON crashes nlohmann on dump). Pure; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace hallcast::streamer {

// nullopt with `error` set when the text is not acceptable.
std::optional<nlohmann::json> parse_command(std::string_view text, size_t max_bytes,
                                            std::string& error);

}  // namespace hallcast::streamer
