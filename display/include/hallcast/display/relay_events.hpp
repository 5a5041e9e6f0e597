// Events a hall screen takes from the relay's live channel (docs/protocol.md), parsed into plain
// values. Text is validated UTF-8 and NFC-normalised here; it is still plain text (never markup).
// Pure functions, any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hallcast::display {

struct CaptionEvent {
  std::string id;
  std::string text;
  bool final = false;
  int64_t t_ms = 0;  // relay wall-clock time, ms since the epoch (0 = unknown)
};

struct TitleEvent {
  bool cleared = true;
  std::string text;  // the session title
  std::string name;  // speaker
  std::string role;
};

struct StateEvent {
  std::optional<bool> live;  // stream live / offline, when the event says
};

struct HelloEvent {
  TitleEvent title;
  std::vector<CaptionEvent> captions;
  StateEvent state;
};

struct IgnoredEvent {
  std::string type;
};

using RelayEvent = std::variant<HelloEvent, CaptionEvent, TitleEvent, StateEvent, IgnoredEvent>;

// nullopt when the message is not a JSON object with a string "type", too deep, or its text is
// not valid UTF-8; the error says why.
std::optional<RelayEvent> parse_relay_event(std::string_view json, std::string* error);

}  // namespace hallcast::display
