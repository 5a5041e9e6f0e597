#include "hallcast/relay/messages.hpp"

#include <algorithm>

#include "hallcast/common/text.hpp"

namespace hallcast::relay {

std::string_view to_string(Role r) {
  switch (r) {
    case Role::Viewer:
      return "viewer";
    case Role::Captioner:
      return "captioner";
    case Role::Operator:
      return "operator";
    case Role::Publisher:
      return "publisher";
    case Role::None:
      break;
  }
  return "none";
}

Parsed parse_message(std::string_view text, int max_depth) {
  struct TooDeep {};
  int depth = 0;
  // Stops the parser at the first level past the bound, so nothing deep is ever built.
  auto bounded = [&](int, Json::parse_event_t ev, Json&) {
    if (ev == Json::parse_event_t::object_start || ev == Json::parse_event_t::array_start) {
      if (++depth > max_depth) throw TooDeep{};
    } else if (ev == Json::parse_event_t::object_end || ev == Json::parse_event_t::array_end) {
      --depth;
    }
    return true;
  };
  Parsed p;
  try {
    p.value = Json::parse(text, bounded);
  } catch (const TooDeep&) {
    p.error = "JSON nested deeper than " + std::to_string(max_depth) + " levels";
    return p;
  } catch (const Json::exception&) {
    p.error = "malformed JSON";
    return p;
  }
  if (!p.value.is_object())
    p.error = "a message must be a JSON object";
  else if (!p.value.contains("type") || !p.value["type"].is_string())
    p.error = "a message needs a string \"type\"";
  else if (p.value.contains("id") &&
           (!p.value["id"].is_string() || p.value["id"].get_ref<const std::string&>().size() > 64))
    p.error = "\"id\" must be a string of at most 64 bytes";
  return p;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Runs over the longer input whatever the contents; the length difference is folded in.
  size_t n = std::max(a.size(), b.size());
  unsigned char diff = static_cast<unsigned char>(a.size() != b.size());
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

Role role_for_token(const config::Auth& auth, std::string_view token) {
  Role found = Role::None;
  auto check = [&](const std::string& secret, Role r) {
    bool match = !secret.empty() && constant_time_equal(token, secret);
    if (match && found == Role::None) found = r;
  };
  // Every comparison runs, so timing does not reveal which role (if any) matched.
  check(auth.operator_token, Role::Operator);
  check(auth.captioner_token, Role::Captioner);
  check(auth.publisher_token, Role::Publisher);
  check(auth.viewer_token, Role::Viewer);
  return found;
}

bool is_streamer_command(std::string_view type) {
  return type == "switch" || type == "preview" || type == "layout" || type == "slate";
}

namespace {

std::optional<CommandError> bad(std::string message) {
  return CommandError{"bad_request", std::move(message)};
}

std::optional<CommandError> check_source(const Json& v, const config::Config& cfg,
                                         const std::string& hall, const char* field) {
  if (!v.is_string()) return bad(std::string(field) + " must be a source id");
  const auto* s = cfg.find_source(v.get<std::string>());
  if (!s || s->hall != hall)
    return CommandError{"unknown_source",
                        "no source '" + v.get<std::string>() + "' in hall " + hall};
  return std::nullopt;
}

std::optional<CommandError> check_shape(const Json& c, const config::Config& cfg,
                                        const std::string& hall) {
  std::string type = c["type"];
  if (type == "switch" || type == "preview") {
    if (auto e = check_source(c.value("source", Json()), cfg, hall, "source")) return e;
    if (c.contains("transition") &&
        (!c["transition"].is_string() || (c["transition"] != "cut" && c["transition"] != "fade")))
      return bad("transition must be cut or fade");
    if (c.contains("duration_ms") &&
        (!c["duration_ms"].is_number_integer() || c["duration_ms"].get<int64_t>() < 0 ||
         c["duration_ms"].get<int64_t>() > 10000))
      return bad("duration_ms must be an integer from 0 to 10000");
  } else if (type == "layout") {
    static const char* modes[] = {"full", "pip", "sbs"};
    if (!c.contains("mode") || !c["mode"].is_string() ||
        std::none_of(std::begin(modes), std::end(modes),
                     [&](const char* m) { return c["mode"] == m; }))
      return bad("mode must be full, pip or sbs");
    if (c.contains("sources")) {
      if (!c["sources"].is_array() || c["sources"].size() > 2)
        return bad("sources must be a list of at most two source ids");
      for (const auto& s : c["sources"])
        if (auto e = check_source(s, cfg, hall, "sources")) return e;
    }
    if (c.contains("corner") && !c["corner"].is_string()) return bad("corner must be a string");
  } else if (type == "slate") {
    if (!c.contains("on") || !c["on"].is_boolean()) return bad("slate needs \"on\": true or false");
    if (c.contains("message")) {
      if (!c["message"].is_string()) return bad("message must be a string");
      if (text::code_points(c["message"].get_ref<const std::string&>()) >
          static_cast<size_t>(cfg.captions.max_length))
        return CommandError{"too_long", "slate message too long"};
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<CommandError> check_command(const Json& c, Role role, const config::Config& cfg,
                                          const std::string& hall) {
  std::string type = c["type"];
  bool known = is_streamer_command(type) || type == "title" || type == "caption" ||
               type == "auth" || type == "ping";
  if (!known) return CommandError{"unknown_type", "unknown message type '" + type + "'"};
  if (type == "auth" || type == "ping") return std::nullopt;
  if (role == Role::None)
    return CommandError{"unauthorized", "send {\"type\":\"auth\",\"token\":…} first"};
  bool allowed = role == Role::Operator || (type == "caption" && role == Role::Captioner);
  if (!allowed)
    return CommandError{"forbidden",
                        "the " + std::string(to_string(role)) + " role may not send " + type};
  return check_shape(c, cfg, hall);
}

Json make_ack(const Json& cmd, Json extra) {
  Json a = {{"type", "ack"}, {"ref", cmd.value("type", "")}};
  if (cmd.contains("id")) a["id"] = cmd["id"];
  for (auto& [k, v] : extra.items()) a[k] = v;
  return a;
}

Json make_error(const Json& cmd, std::string_view code, std::string_view message) {
  Json e = {{"type", "error"}, {"code", code}, {"message", message}};
  if (cmd.is_object() && cmd.contains("id")) e["id"] = cmd["id"];
  if (cmd.is_object() && cmd.contains("type") && cmd["type"].is_string()) e["ref"] = cmd["type"];
  return e;
}

}  // namespace hallcast::relay
