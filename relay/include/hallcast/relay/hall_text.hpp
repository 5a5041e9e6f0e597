// Captions and titles of one hall: validates caption/title commands, assigns ids and times,
// keeps the current title, the recent captions and the session's final lines (for WebVTT).
// Pure logic over nlohmann::json; persistence is the caller's (CaptionLog). Owned by the relay's
// service thread.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hallcast/common/config.hpp"

namespace hallcast::relay {

using Json = nlohmann::json;

// Outcome of a command: either an event to broadcast (and persist, when `persist`), or an error.
struct TextResult {
  std::optional<Json> event;
  bool persist = false;
  std::string error_code;  // "bad_request", "too_long", "bad_language", ...
  std::string error_message;
  static TextResult fail(std::string code, std::string message) {
    return {std::nullopt, false, std::move(code), std::move(message)};
  }
};

struct FinalCaption {
  std::string id;
  std::string lang;
  std::string text;
  int64_t t = 0;
};

class HallText {
 public:
  HallText(const config::Config& cfg, std::string hall);

  TextResult caption(const Json& cmd, int64_t now_ms);
  TextResult title(const Json& cmd, int64_t now_ms);
  // Re-applies a persisted event (a final caption or a title) at start-up.
  void replay(const Json& event);

  Json title_json() const;   // the current title event (or {"cleared":true})
  Json recent_json() const;  // the recent captions, oldest first
  // Final captions of a session, corrections applied, in order.
  const std::vector<FinalCaption>* session_captions(const std::string& session) const;
  // The session captions are attributed to: the title's session, else the schedule's current
  // or next session in this hall, else the hall id.
  std::string current_session(int64_t now_ms) const;
  uint64_t caption_count() const { return caption_count_; }

 private:
  TextResult set_title(const Json& cmd, int64_t now_ms);
  TextResult step_title(int direction, int64_t now_ms);
  Json make_title_event(const config::Session& s, int speaker, int64_t now_ms);
  void remember(const Json& caption_event);

  const config::Config& cfg_;
  std::string hall_;
  std::vector<const config::Session*> schedule_;  // this hall's sessions by start time
  Json title_;                                    // the current title event; null = none yet
  int schedule_pos_ = -1;  // position in the title sequence (see title_sequence()), -1 = none
  std::deque<Json> recent_;
  std::string last_final_id_;
  uint64_t next_caption_ = 1;
  uint64_t caption_count_ = 0;
  std::map<std::string, std::vector<FinalCaption>> finals_;  // by session id
};

}  // namespace hallcast::relay
