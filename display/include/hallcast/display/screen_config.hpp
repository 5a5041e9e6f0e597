// Which screen this process is, and where it gets its picture and text from, resolved once from
// the event config at start-up. Plain values; read-only afterwards.
#pragma once

#include <optional>
#include <string>

#include "hallcast/common/config.hpp"

namespace hallcast::display {

struct RelayEndpoint {
  bool tls = false;
  std::string host;
  int port = 0;
  std::string path;  // "/?hall=hoi-truong"
};

struct ScreenSettings {
  config::Display display;  // the [[displays]] entry (or a default one for the first hall)
  std::string hall_name;
  std::string srt_url;  // "" = no SRT input
  int srt_latency_ms = 20;
  std::string srt_passphrase;
  std::optional<RelayEndpoint> relay;  // nullopt = no relay configured
  bool play_srt = false;               // SRT is the primary input
  bool play_relay = false;             // the relay is the primary input, or the fallback
  std::string viewer_token;            // sent as a Bearer header when the relay asks for one
  bool has_overlay(const std::string& name) const;
};

// Picks the screen (screen_id empty = the only one) and resolves its inputs.
// Throws config::ConfigError for an unknown or ambiguous screen or an unusable URL.
ScreenSettings resolve_screen(const config::Config& cfg, const std::string& screen_id);

// "ws://host:port[/path]" or "wss://..."; nullopt if malformed.
std::optional<RelayEndpoint> parse_ws_url(const std::string& url, const std::string& hall_id);

}  // namespace hallcast::display
