#include "hallcast/display/screen_config.hpp"

#include <algorithm>
#include <charconv>

namespace hallcast::display {
namespace {

[[noreturn]] void fail(const config::Config& cfg, const config::Location& where,
                       const std::string& message) {
  config::Location loc = where;
  if (loc.file.empty()) loc.file = cfg.path;
  throw config::ConfigError({config::Problem{loc, message}});
}

// "0.0.0.0:9000" / ":9000" / "[::]:9000" listen addresses become a local address to call.
std::string callable(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return listen;
  std::string host = listen.substr(0, colon);
  if (host.empty() || host == "0.0.0.0" || host == "*") host = "127.0.0.1";
  if (host == "[::]") host = "[::1]";
  return host + listen.substr(colon);
}

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

const config::Display& pick(const config::Config& cfg, const std::string& screen_id) {
  if (!screen_id.empty()) {
    if (const auto* d = cfg.find_display(screen_id)) return *d;
    std::string ids;
    for (const auto& d : cfg.displays) ids += (ids.empty() ? "" : ", ") + d.id;
    fail(cfg, {},
         "no screen '" + screen_id + "' in [[displays]]" +
             (ids.empty() ? std::string() : " (screens: " + ids + ")"));
  }
  if (cfg.displays.size() > 1) {
    std::string ids;
    for (const auto& d : cfg.displays) ids += (ids.empty() ? "" : ", ") + d.id;
    fail(cfg, {}, "several screens in [[displays]] (" + ids + "): choose one with --screen ID");
  }
  return cfg.displays.front();
}

}  // namespace

bool ScreenSettings::has_overlay(const std::string& name) const {
  return std::find(display.overlays.begin(), display.overlays.end(), name) !=
         display.overlays.end();
}

std::optional<RelayEndpoint> parse_ws_url(const std::string& url, const std::string& hall_id) {
  RelayEndpoint ep;
  std::string rest;
  if (url.rfind("ws://", 0) == 0) {
    rest = url.substr(5);
  } else if (url.rfind("wss://", 0) == 0) {
    ep.tls = true;
    rest = url.substr(6);
  } else {
    return std::nullopt;
  }
  auto slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  std::string base = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = hostport.rfind(':');
  ep.port = ep.tls ? 443 : 80;
  if (colon != std::string::npos && hostport.find(']', colon) == std::string::npos) {
    const char* b = hostport.data() + colon + 1;
    const char* e = hostport.data() + hostport.size();
    auto [p, ec] = std::from_chars(b, e, ep.port);
    if (ec != std::errc() || p != e || ep.port <= 0 || ep.port > 65535) return std::nullopt;
    hostport.resize(colon);
  }
  if (hostport.size() > 2 && hostport.front() == '[' && hostport.back() == ']') {
    hostport = hostport.substr(1, hostport.size() - 2);
  }
  if (hostport.empty()) return std::nullopt;
  ep.host = hostport;
  if (base.find('?') != std::string::npos) return std::nullopt;  // the hall goes in the query
  ep.path = base + "?hall=" + url_encode(hall_id);
  return ep;
}

ScreenSettings resolve_screen(const config::Config& cfg, const std::string& screen_id) {
  ScreenSettings s;
  if (cfg.displays.empty()) {
    if (cfg.halls.empty()) fail(cfg, {}, "no [[displays]] and no [[halls]]: nothing to show");
    if (!screen_id.empty()) pick(cfg, screen_id);  // throws: unknown screen
    s.display.id = "default";
    s.display.hall = cfg.halls.front().id;
  } else {
    s.display = pick(cfg, screen_id);
  }
  const config::Hall* hall = cfg.find_hall(s.display.hall);
  if (hall == nullptr) fail(cfg, s.display.where, "screen's hall '" + s.display.hall + "' unknown");
  s.hall_name = hall->name;
  s.srt_url = s.display.srt_url;
  if (s.srt_url.empty() && !hall->srt_listen.empty())
    s.srt_url = "srt://" + callable(hall->srt_listen);
  s.srt_latency_ms = cfg.outputs.srt_latency_ms;
  s.srt_passphrase = cfg.outputs.srt_passphrase;
  std::string relay_url = cfg.outputs.relay_url;
  if (relay_url.empty() && !cfg.relay.listen.empty())
    relay_url = "ws://" + callable(cfg.relay.listen);
  if (!relay_url.empty()) {
    s.relay = parse_ws_url(relay_url, hall->id);
    if (!s.relay) fail(cfg, {}, "relay URL '" + relay_url + "' is not ws://HOST:PORT or wss://...");
  }
  const bool want_srt = s.display.input != "relay" && !s.srt_url.empty();
  s.play_srt = want_srt;
  s.play_relay = s.relay.has_value() && (!want_srt || s.display.fallback_to_relay);
  if (cfg.relay.viewer_token_required) s.viewer_token = cfg.auth.viewer_token;
  return s;
}

}  // namespace hallcast::display
