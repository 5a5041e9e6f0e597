#include "hallcast/display/relay_events.hpp"

#include <nlohmann/json.hpp>

#include "hallcast/common/limits.hpp"
#include "hallcast/common/text.hpp"

namespace hallcast::display {
namespace {

using nlohmann::json;

struct BadText {};

std::string text_field(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  auto nfc = text::normalize_nfc(it->get_ref<const std::string&>());
  if (!nfc) throw BadText{};
  return *nfc;
}

CaptionEvent caption_of(const json& j) {
  CaptionEvent c;
  c.id = text_field(j, "id");
  c.text = text_field(j, "text");
  c.final = j.value("final", false);
  if (auto it = j.find("t"); it != j.end() && it->is_number()) c.t_ms = it->get<int64_t>();
  return c;
}

TitleEvent title_of(const json& j) {
  TitleEvent t;
  if (!j.is_object() || j.value("cleared", false)) return t;
  t.text = text_field(j, "text");
  if (auto it = j.find("speaker"); it != j.end() && it->is_object()) {
    t.name = text_field(*it, "name");
    t.role = text_field(*it, "role");
  }
  t.cleared = t.text.empty() && t.name.empty() && t.role.empty();
  return t;
}

StateEvent state_of(const json& j) {
  StateEvent s;
  if (!j.is_object()) return s;
  if (auto it = j.find("stream"); it != j.end() && it->is_string()) {
    s.live = it->get<std::string>() == "live";
  }
  return s;
}

HelloEvent hello_of(const json& j) {
  HelloEvent h;
  if (auto it = j.find("title"); it != j.end()) h.title = title_of(*it);
  if (auto it = j.find("state"); it != j.end()) h.state = state_of(*it);
  if (auto it = j.find("captions"); it != j.end() && it->is_array()) {
    for (const auto& c : *it) {
      if (c.is_object()) h.captions.push_back(caption_of(c));
    }
  }
  return h;
}

}  // namespace

std::optional<RelayEvent> parse_relay_event(std::string_view text, std::string* error) {
  auto set_error = [&](const char* why) {
    if (error != nullptr) *error = why;
    return std::nullopt;
  };
  if (!text::is_valid_utf8(text)) return set_error("not valid UTF-8");
  bool too_deep = false;
  auto depth_guard = [&](int depth, json::parse_event_t, json&) {
    if (depth > limits::kMaxJsonDepth) too_deep = true;
    return !too_deep;
  };
  json j = json::parse(text, depth_guard, /*allow_exceptions=*/false);
  if (too_deep) return set_error("JSON nested too deeply");
  if (j.is_discarded() || !j.is_object()) return set_error("not a JSON object");
  auto type_it = j.find("type");
  if (type_it == j.end() || !type_it->is_string()) return set_error("no string \"type\"");
  const std::string type = *type_it;
  try {
    if (type == "caption") return caption_of(j);
    if (type == "title") return title_of(j);
    if (type == "state") return state_of(j);
    if (type == "hello") return hello_of(j);
  } catch (const BadText&) {
    return set_error("text is not valid UTF-8");
  } catch (const json::exception&) {
    return set_error("a field has the wrong type");
  }
  return IgnoredEvent{type};
}

}  // namespace hallcast::display
