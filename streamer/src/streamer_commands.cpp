// Streamer: commands (docs/protocol.md) and the state report.
#include "hallcast/common/logging.hpp"
#include "hallcast/common/text.hpp"
#include "hallcast/streamer/streamer.hpp"
#include "hallcast/streamer/streamer_limits.hpp"

namespace hallcast::streamer {
namespace {

using nlohmann::json;

auto log() {
  return logging::get("streamer");
}

// A command's problem, answered as {"type":"error","code":...}.
struct CommandError {
  std::string code;
  std::string message;
};

std::string get_string(const json& c, const char* key, bool required) {
  auto it = c.find(key);
  if (it == c.end() || it->is_null()) {
    if (required) throw CommandError{"bad_request", std::string("'") + key + "' is required"};
    return {};
  }
  if (!it->is_string())
    throw CommandError{"bad_request", std::string("'") + key + "' must be a string"};
  return it->get<std::string>();
}

// Operator text: valid UTF-8, NFC, bounded.
std::string get_text(const json& c, const char* key, size_t max_cp) {
  std::string raw = get_string(c, key, false);
  auto nfc = text::normalize_nfc(raw);
  if (!nfc) throw CommandError{"bad_text", std::string("'") + key + "' is not valid UTF-8"};
  if (text::code_points(*nfc) > max_cp)
    throw CommandError{"too_long",
                       std::string("'") + key + "' is longer than " + std::to_string(max_cp)};
  return *nfc;
}

json reply_error(const json& c, const CommandError& e) {
  json r{{"type", "error"}, {"code", e.code}, {"message", e.message}};
  if (c.is_object() && c.contains("id")) r["id"] = c["id"];
  return r;
}

}  // namespace

json Streamer::handle(const json& c) {
  try {
    if (!c.is_object()) throw CommandError{"bad_request", "a command is a JSON object"};
    std::string type = get_string(c, "type", true);
    json r;
    if (type == "switch") {
      r = do_switch(c);
    } else if (type == "preview") {
      std::string id = get_string(c, "source", true);
      if (!find(id))
        throw CommandError{"unknown_source", "no source '" + id + "' in hall " + hall_};
      preview_ = id;
    } else if (type == "layout") {
      r = do_layout(c);
    } else if (type == "slate") {
      r = do_slate(c);
    } else if (type == "title") {
      r = do_title(c);
    } else if (type == "caption") {
      r = do_caption(c);
    } else {
      throw CommandError{"unknown_type", "unknown command type '" + type + "'"};
    }
    changed();
    bool event = type == "title" || type == "caption";
    if (event && !c.contains("id")) return nullptr;  // forwarded event, nothing to answer
    json ack{{"type", "ack"}, {"ref", type}};
    if (c.contains("id")) ack["id"] = c["id"];
    return ack;
  } catch (const CommandError& e) {
    return reply_error(c, e);
  } catch (const json::exception& e) {
    return reply_error(c, CommandError{"bad_request", e.what()});
  }
}

json Streamer::do_switch(const json& c) {
  std::string id = get_string(c, "source", true);
  Slot* target = find(id);
  if (!target) throw CommandError{"unknown_source", "no source '" + id + "' in hall " + hall_};
  std::string transition = get_string(c, "transition", false);
  if (transition.empty()) transition = "cut";
  if (transition != "cut" && transition != "fade")
    throw CommandError{"bad_request", "transition must be cut or fade"};
  int duration = c.value("duration_ms", 500);
  if (duration < 0 || duration > limits::kMaxFadeMs)
    throw CommandError{"bad_request",
                       "duration_ms must be 0.." + std::to_string(limits::kMaxFadeMs)};
  std::string from = main_source(layout_, program_);
  bool was_full = layout_.mode == LayoutMode::Full;
  program_ = id;
  layout_ = Layout{};
  target->awaiting_operator = false;
  if (transition == "fade" && duration > 0 && was_full && from != id)
    start_fade(from, id, duration);
  apply();
  if (program_pipe_) program_pipe_->force_keyframe();
  log()->info("switch to {} ({}{})", id, transition,
              transition == "fade" ? ", " + std::to_string(duration) + " ms" : "");
  return nullptr;
}

json Streamer::do_layout(const json& c) {
  auto mode = parse_mode(get_string(c, "mode", true));
  if (!mode) throw CommandError{"bad_request", "mode must be full, pip or sbs"};
  Layout l;
  l.mode = *mode;
  if (auto corner = get_string(c, "corner", false); !corner.empty()) {
    auto parsed = parse_corner(corner);
    if (!parsed)
      throw CommandError{"bad_request",
                         "corner must be top-left, top-right, bottom-left or bottom-right"};
    l.corner = *parsed;
  }
  if (c.contains("sources")) {
    if (!c["sources"].is_array()) throw CommandError{"bad_request", "'sources' must be an array"};
    for (const auto& v : c["sources"]) {
      if (!v.is_string() || !find(v.get<std::string>()))
        throw CommandError{"unknown_source", "unknown source in 'sources'"};
      l.sources.push_back(v.get<std::string>());
    }
  }
  if (l.mode != LayoutMode::Full) {
    if (l.sources.empty()) l.sources = {program_, preview_};
    if (l.sources.size() != 2 || l.sources[0] == l.sources[1])
      throw CommandError{"bad_request", "pip and sbs take two different sources"};
    program_ = l.sources[0];
  }
  layout_ = l;
  for (const auto& id : l.sources) find(id)->awaiting_operator = false;
  apply();
  if (program_pipe_) program_pipe_->force_keyframe();
  log()->info("layout {}", to_string(l.mode));
  return nullptr;
}

json Streamer::do_slate(const json& c) {
  if (!c.contains("on") || !c["on"].is_boolean())
    throw CommandError{"bad_request", "'on' must be true or false"};
  slate_on_ = c["on"].get<bool>();
  slate_message_ = get_text(c, "message", limits::kMaxSlateMessage);
  refresh_slate_text();
  apply();
  if (program_pipe_) program_pipe_->force_keyframe();
  log()->info("slate {}", slate_on_ ? "on" : "off");
  return nullptr;
}

json Streamer::do_title(const json& c) {
  std::string action = get_string(c, "action", false);
  if (action == "clear" || c.value("cleared", false)) {
    burn_title_.clear();
  } else {
    std::string text = get_text(c, "text", limits::kMaxTitleText);
    std::string name = get_text(c, "name", limits::kMaxTitleText);
    std::string role = get_text(c, "role", limits::kMaxTitleText);
    if (c.contains("speaker") && c["speaker"].is_object()) {
      name = get_text(c["speaker"], "name", limits::kMaxTitleText);
      role = get_text(c["speaker"], "role", limits::kMaxTitleText);
    }
    burn_title_ = text;
    if (!name.empty()) burn_title_ += (burn_title_.empty() ? "" : "\n") + name;
    if (!role.empty()) burn_title_ += (burn_title_.empty() ? "" : "\n") + role;
  }
  if (program_pipe_) program_pipe_->set_burn_in(burn_title_, burn_caption_);
  return nullptr;
}

json Streamer::do_caption(const json& c) {
  burn_caption_ = get_text(c, "text", limits::kMaxCaptionText);
  if (program_pipe_) program_pipe_->set_burn_in(burn_title_, burn_caption_);
  return nullptr;
}

// "Tiếp theo 10:15 — <title>" for the next session in this hall, from the schedule.
std::string Streamer::next_session_line() const {
  auto now = std::chrono::system_clock::now();
  const config::Session* next = nullptr;
  for (const config::Session* s : cfg_.sessions_of_hall(hall_))
    if (s->start > now && (!next || s->start < next->start)) next = s;
  if (!next) return {};
  std::string hhmm =
      next->start_text.size() >= 16 ? next->start_text.substr(11, 5) : next->start_text;
  return "Tiếp theo " + hhmm + " — " + next->title;
}

json Streamer::state() const {
  json sources = json::array();
  for (const auto& s : slots_) {
    sources.push_back({{"id", s.cfg.id},
                       {"label", s.cfg.label},
                       {"kind", std::string(config::to_string(s.cfg.kind))},
                       {"health", std::string(to_string(s.health))}});
  }
  json layout{{"mode", std::string(to_string(layout_.mode))}};
  if (layout_.mode != LayoutMode::Full) {
    layout["sources"] = layout_.sources;
    if (layout_.mode == LayoutMode::Pip) layout["corner"] = std::string(to_string(layout_.corner));
  }
  const Slot* main = find(main_source(layout_, program_));
  bool main_hidden = main && (main->hidden || main->awaiting_operator);
  return json{{"type", "state"},
              {"hall", hall_},
              {"program", program_},
              {"preview", preview_},
              {"layout", layout},
              {"slate", slate_on_ || main_hidden},
              {"slate_reason", slate_on_ ? "operator" : (main_hidden ? "source_lost" : "")},
              {"program_health", program_health()},
              {"sources", sources}};
}

}  // namespace hallcast::streamer
