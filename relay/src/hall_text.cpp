#include "hallcast/relay/hall_text.hpp"

#include <algorithm>
#include <chrono>

#include "hallcast/common/text.hpp"

namespace hallcast::relay {
namespace {

// Caption text is one line of plain text: line breaks and tabs become spaces, ends trimmed.
std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  auto b = s.find_first_not_of(' ');
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

std::optional<std::string> clean_text(const Json& v, size_t max_points, std::string& error) {
  if (!v.is_string()) {
    error = "text must be a string";
    return std::nullopt;
  }
  auto nfc = text::normalize_nfc(v.get_ref<const std::string&>());
  if (!nfc) {
    error = "text is not valid UTF-8";
    return std::nullopt;
  }
  std::string s = one_line(*nfc);
  if (text::code_points(s) > max_points) {
    error = "text longer than " + std::to_string(max_points) + " characters";
    return std::nullopt;
  }
  return s;
}

}  // namespace

HallText::HallText(const config::Config& cfg, std::string hall)
    : cfg_(cfg), hall_(std::move(hall)) {
  schedule_ = cfg_.sessions_of_hall(hall_);
  std::stable_sort(schedule_.begin(), schedule_.end(),
                   [](auto* a, auto* b) { return a->start < b->start; });
}

std::string HallText::current_session(int64_t now_ms) const {
  if (title_.is_object() && title_.contains("session")) return title_["session"];
  auto now = config::TimePoint(std::chrono::milliseconds(now_ms));
  if (const auto* s = cfg_.current_or_next_session(hall_, now)) return s->id;
  return hall_;
}

TextResult HallText::caption(const Json& cmd, int64_t now_ms) {
  std::string err;
  auto max_len = static_cast<size_t>(cfg_.captions.max_length);
  auto text = clean_text(cmd.value("text", Json()), max_len, err);
  if (!text)
    return TextResult::fail(err.find("longer") != std::string::npos ? "too_long" : "bad_request",
                            err);
  std::string lang = cfg_.captions.languages.empty() ? "vi" : cfg_.captions.languages.front();
  if (cmd.contains("lang")) {
    if (!cmd["lang"].is_string()) return TextResult::fail("bad_request", "lang must be a string");
    lang = cmd["lang"];
    const auto& ok = cfg_.captions.languages;
    if (std::find(ok.begin(), ok.end(), lang) == ok.end())
      return TextResult::fail("bad_language", "language '" + lang + "' is not allowed here");
  }
  bool final = true;
  if (cmd.contains("final")) {
    if (!cmd["final"].is_boolean())
      return TextResult::fail("bad_request", "final must be true or false");
    final = cmd["final"];
  }
  if (final && text->empty()) return TextResult::fail("bad_request", "a final caption needs text");
  Json ev = {{"type", "caption"}, {"hall", hall_}, {"session", current_session(now_ms)},
             {"lang", lang},      {"text", *text}, {"final", final},
             {"t", now_ms}};
  if (cmd.contains("corrects")) {
    if (!cmd["corrects"].is_string() || !final)
      return TextResult::fail("bad_request", "corrects must be the id of a final caption");
    if (cmd["corrects"] != last_final_id_ || last_final_id_.empty())
      return TextResult::fail("bad_correction",
                              "only the last final caption (" +
                                  (last_final_id_.empty() ? "none" : last_final_id_) +
                                  ") can be corrected");
    ev["corrects"] = last_final_id_;
  }
  ev["id"] = "c-" + std::to_string(next_caption_);  // a partial carries the id its final will get
  if (!final) return {ev, false, {}, {}};
  remember(ev);
  return {ev, true, {}, {}};
}

void HallText::remember(const Json& ev) {
  std::string id = ev["id"];
  if (id.rfind("c-", 0) == 0) {
    uint64_t n = std::strtoull(id.c_str() + 2, nullptr, 10);
    next_caption_ = std::max(next_caption_, n + 1);
  }
  auto& lines = finals_[ev["session"].get<std::string>()];
  FinalCaption fc{ev.contains("corrects") ? ev["corrects"].get<std::string>() : id, ev["lang"],
                  ev["text"], ev["t"]};
  if (ev.contains("corrects")) {
    for (auto& l : lines)
      if (l.id == fc.id) l.text = fc.text;
    recent_.push_back(ev);
    // A correction replaces its line; its own id stays the last final one.
  } else {
    lines.push_back(fc);
    recent_.push_back(ev);
    last_final_id_ = id;
  }
  while (recent_.size() > static_cast<size_t>(std::max(cfg_.captions.recent_lines, 0)))
    recent_.pop_front();
  ++caption_count_;
}

TextResult HallText::title(const Json& cmd, int64_t now_ms) {
  std::string action = cmd.value("action", std::string("set"));
  if (cmd.contains("action") && !cmd["action"].is_string())
    return TextResult::fail("bad_request", "action must be set, next, previous or clear");
  if (action == "set") return set_title(cmd, now_ms);
  if (action == "next") return step_title(+1, now_ms);
  if (action == "previous") return step_title(-1, now_ms);
  if (action == "clear") {
    title_ = Json{{"type", "title"}, {"hall", hall_}, {"cleared", true}, {"t", now_ms}};
    return {title_, true, {}, {}};
  }
  return TextResult::fail("bad_request", "action must be set, next, previous or clear");
}

Json HallText::make_title_event(const config::Session& s, int speaker, int64_t now_ms) {
  Json ev = {
      {"type", "title"}, {"hall", hall_}, {"session", s.id}, {"text", s.title}, {"t", now_ms}};
  if (speaker >= 0) {
    const auto& sp = s.speakers[static_cast<size_t>(speaker)];
    ev["speaker"] = {{"name", sp.name}, {"role", sp.role}};
    ev["speaker_index"] = speaker;
  }
  return ev;
}

TextResult HallText::set_title(const Json& cmd, int64_t now_ms) {
  if (cmd.contains("session")) {
    if (!cmd["session"].is_string())
      return TextResult::fail("bad_request", "session must be a string");
    const config::Session* s = cfg_.find_session(cmd["session"]);
    if (!s || s->hall != hall_)
      return TextResult::fail(
          "unknown_session",
          "no session '" + cmd["session"].get<std::string>() + "' in hall " + hall_);
    int speaker = -1;
    if (cmd.contains("speaker")) {
      if (!cmd["speaker"].is_number_integer() || cmd["speaker"].get<int64_t>() < 0 ||
          cmd["speaker"].get<int64_t>() >= static_cast<int64_t>(s->speakers.size()))
        return TextResult::fail("bad_request",
                                "speaker must be an index into the session's speakers");
      speaker = cmd["speaker"];
    }
    title_ = make_title_event(*s, speaker, now_ms);
    return {title_, true, {}, {}};
  }
  std::string err;
  auto max_len = static_cast<size_t>(cfg_.captions.max_length);
  auto text = clean_text(cmd.value("text", Json()), max_len, err);
  if (!text || text->empty())
    return TextResult::fail("bad_request", text ? "a title needs a session or text" : err);
  Json ev = {{"type", "title"}, {"hall", hall_}, {"text", *text}, {"t", now_ms}};
  Json speaker = Json::object();
  for (const char* key : {"name", "role"}) {
    if (!cmd.contains(key)) continue;
    auto v = clean_text(cmd[key], max_len, err);
    if (!v) return TextResult::fail("bad_request", std::string(key) + ": " + err);
    speaker[key] = *v;
  }
  if (!speaker.empty()) ev["speaker"] = speaker;
  title_ = ev;
  return {title_, true, {}, {}};
}

TextResult HallText::step_title(int direction, int64_t now_ms) {
  // The sequence: each session's title, then each of its speakers in turn.
  std::vector<std::pair<const config::Session*, int>> seq;
  for (const auto* s : schedule_) {
    seq.emplace_back(s, -1);
    for (size_t i = 0; i < s->speakers.size(); ++i) seq.emplace_back(s, static_cast<int>(i));
  }
  if (seq.empty()) return TextResult::fail("no_schedule", "hall " + hall_ + " has no sessions");
  if (title_.is_object() && title_.contains("session")) {  // resume from the current title
    for (size_t i = 0; i < seq.size(); ++i)
      if (seq[i].first->id == title_["session"] &&
          seq[i].second == title_.value("speaker_index", -1))
        schedule_pos_ = static_cast<int>(i);
  }
  int pos = schedule_pos_ < 0 ? (direction > 0 ? 0 : static_cast<int>(seq.size()) - 1)
                              : schedule_pos_ + direction;
  if (pos < 0 || pos >= static_cast<int>(seq.size()))
    return TextResult::fail("end_of_schedule", direction > 0 ? "already at the last title"
                                                             : "already at the first title");
  schedule_pos_ = pos;
  title_ = make_title_event(*seq[static_cast<size_t>(pos)].first,
                            seq[static_cast<size_t>(pos)].second, now_ms);
  return {title_, true, {}, {}};
}

void HallText::replay(const Json& ev) {
  if (!ev.is_object()) return;
  if (ev.value("type", "") == "caption" && ev.value("final", false)) remember(ev);
  if (ev.value("type", "") == "title") title_ = ev;
}

Json HallText::title_json() const {
  if (title_.is_null()) return Json{{"type", "title"}, {"hall", hall_}, {"cleared", true}};
  return title_;
}

Json HallText::recent_json() const {
  Json a = Json::array();
  for (const auto& c : recent_) a.push_back(c);
  return a;
}

const std::vector<FinalCaption>* HallText::session_captions(const std::string& session) const {
  auto it = finals_.find(session);
  return it == finals_.end() ? nullptr : &it->second;
}

}  // namespace hallcast::relay
