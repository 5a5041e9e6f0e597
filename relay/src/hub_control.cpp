// Hub: text messages on every channel (auth, commands, captions, titles, streamer answers) and
// the JSON views (hello, state, /api/state).
#include <algorithm>
#include <chrono>
#include <cmath>

#include "hallcast/common/limits.hpp"
#include "hallcast/common/logging.hpp"
#include "hallcast/relay/relay_limits.hpp"
#include "hub.hpp"

namespace hallcast::relay {
namespace {

void auth_delay_fired(lws_sorted_usec_list_t* sul) {
  Session* s = reinterpret_cast<SessionTimer*>(sul)->session;
  auto* hub = static_cast<Hub*>(lws_context_user(lws_get_context(s->wsi)));
  hub->auth_failed_now(s);
}

}  // namespace

void Hub::authenticate(Session* s, const std::string& token, const Json& cmd) {
  Role r = role_for_token(cfg_.auth, token);
  bool fits = (s->channel == Channel::Publish && r == Role::Publisher) ||
              (s->channel == Channel::Control && (r == Role::Operator || r == Role::Captioner)) ||
              (s->channel == Channel::Live && r == Role::Viewer);
  if (!fits) {
    // Never say which part was wrong, never log the token; answer late to slow guessing.
    ++metrics_.auth_failures;
    logging::get("relay")->warn("{} client {}: authentication failed", to_string(s->channel),
                                s->peer);
    s->auth_pending = true;
    s->auth_timer.session = s;
    lws_sul_schedule(lws_get_context(s->wsi), 0, &s->auth_timer.sul, auth_delay_fired,
                     limits::kAuthFailureDelayMs * LWS_US_PER_MS);
    return;
  }
  s->role = r;
  if (s->channel == Channel::Publish) {
    attach_publisher(s);
  } else if (!hall(s->hall)->clients.count(s)) {
    join(s, *hall(s->hall));
  }
  if (!s->close_code && cmd.is_object() && cmd.contains("type"))
    send(s, make_ack(cmd, {{"role", to_string(r)}}));
}

void Hub::auth_failed_now(Session* s) {
  send(s, make_error(Json::object(), "auth_failed", "authentication failed"));
  close_with(s, LWS_CLOSE_STATUS_POLICY_VIOLATION, "authentication failed");
}

void Hub::attach_publisher(Session* s) {
  Hall& h = *hall(s->hall);
  if (h.publisher && h.publisher != s) {
    if (cfg_.relay.publisher_policy != "takeover") {
      logging::get("relay")->warn("hall {}: second publisher from {} refused", h.id, s->peer);
      send(s, make_error(
                  Json::object(), "hall_busy",
                  "hall " + h.id + " already has a publisher (relay.publisher_policy = reject)"));
      close_with(s, LWS_CLOSE_STATUS_POLICY_VIOLATION, "hall already has a publisher");
      return;
    }
    Session* old = h.publisher;
    logging::get("relay")->warn("hall {}: publisher {} taken over by {}", h.id, old->peer, s->peer);
    send(old, make_error(Json::object(), "taken_over", "another publisher took over hall " + h.id));
    detach_publisher(old);
    close_with(old, LWS_CLOSE_STATUS_NORMAL, "taken over");
  }
  h.publisher = s;
  s->attached = true;
  h.ring.clear();  // viewers wait for this publisher's init segment
  h.metrics.fanout.reset();
  logging::get("relay")->info("hall {}: publisher {} attached", h.id, s->peer);
  // The streamer gets the current title (and nothing else to catch up on) for its burn-in.
  send(s, h.text.title_json());
}

void Hub::detach_publisher(Session* s) {
  Hall& h = *hall(s->hall);
  if (h.publisher != s) return;
  h.publisher = nullptr;
  s->attached = false;
  h.ring.clear();
  h.metrics.fanout.reset();
  h.state = Json::object();
  logging::get("relay")->info("hall {}: publisher {} gone, stream offline", h.id, s->peer);
  broadcast(h, state_event(h), false);
  // Commands this streamer will never answer: tell their senders now.
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.hall != h.id) {
      ++it;
      continue;
    }
    if (auto origin = by_serial_.find(it->second.origin_serial); origin != by_serial_.end()) {
      Json e =
          make_error(Json{{"type", it->second.type}}, "no_streamer", "the streamer disconnected");
      if (!it->second.original_id.is_null()) e["id"] = it->second.original_id;
      send(origin->second, e);
    }
    it = pending_.erase(it);
  }
}

void Hub::on_text(Session* s, std::string_view text) {
  if (s->auth_pending || s->close_code) return;
  Parsed p = parse_message(text, hallcast::limits::kMaxJsonDepth);
  if (!p.error.empty()) {
    ++metrics_.protocol_errors;
    send(s, make_error(p.value, "bad_request", p.error));
    return;
  }
  const Json& msg = p.value;
  if (msg["type"] == "auth") {
    if (!msg.contains("token") || !msg["token"].is_string())
      return send(s, make_error(msg, "bad_request", "auth needs a string token"));
    if (s->role != Role::None && s->role != Role::Viewer)
      return send(s, make_error(msg, "bad_request", "already authenticated"));
    return authenticate(s, msg["token"], msg);
  }
  switch (s->channel) {
    case Channel::Control:
      return on_control(s, msg);
    case Channel::Publish:
      return on_publisher_text(s, msg);
    case Channel::Live:
      return on_live_text(s, msg);
  }
}

void Hub::on_live_text(Session* s, const Json& msg) {
  if (msg["type"] == "ping") return send(s, Json{{"type", "pong"}, {"t", now_ms()}});
  if (msg["type"] != "join")
    return send(s, make_error(msg, "unknown_type", "live clients may send join, ping or auth"));
  if (s->role == Role::None) return send(s, make_error(msg, "unauthorized", "send auth first"));
  if (!msg.contains("hall") || !msg["hall"].is_string() || !hall(msg["hall"]))
    return send(s, make_error(msg, "unknown_hall", "no such hall"));
  join(s, *hall(msg["hall"]));
}

void Hub::on_control(Session* s, const Json& cmd) {
  ++metrics_.commands;
  Hall* h = hall(s->hall);
  if (cmd.contains("hall")) {
    if (!cmd["hall"].is_string() || !hall(cmd["hall"]))
      return send(s, make_error(cmd, "unknown_hall", "no such hall"));
    h = hall(cmd["hall"]);
  }
  if (auto err = check_command(cmd, s->role, cfg_, h->id)) {
    if (err->code == "unknown_type") ++metrics_.protocol_errors;
    return send(s, make_error(cmd, err->code, err->message));
  }
  std::string type = cmd["type"];
  if (type == "ping") return send(s, Json{{"type", "pong"}, {"t", now_ms()}});
  if (type == "caption" || type == "title") return text_command(s, *h, cmd);
  forward_command(s, *h, cmd);
}

void Hub::text_command(Session* s, Hall& h, const Json& cmd) {
  const auto arrived = std::chrono::steady_clock::now();
  int64_t now = now_ms();
  TextResult r = cmd["type"] == "caption" ? h.text.caption(cmd, now) : h.text.title(cmd, now);
  if (!r.event) return send(s, make_error(cmd, r.error_code, r.error_message));
  // Durable before acknowledged: a final caption or title is on disk before anyone sees it.
  if (r.persist && !h.log->append(*r.event))
    return send(s, make_error(cmd, "storage_failed", "could not write the caption log"));
  bool final_caption = cmd["type"] == "caption" && r.persist;
  broadcast(h, *r.event, true);
  Json extra = Json::object();
  if (r.event->contains("id")) extra["caption_id"] = (*r.event)["id"];
  send(s, make_ack(cmd, extra));
  if (final_caption) {
    ++metrics_.captions;
    ++h.metrics.captions;
    h.metrics.last_final_caption_ms = now;
    h.metrics.caption_delay.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - arrived).count());
  }
}

void Hub::forward_command(Session* s, Hall& h, const Json& cmd) {
  if (!h.publisher)
    return send(s, make_error(cmd, "no_streamer", "no streamer is connected for hall " + h.id));
  if (pending_.size() >= limits::kMaxPendingCommands)
    return send(s, make_error(cmd, "busy", "too many commands waiting for the streamer"));
  std::string rid = "r-" + std::to_string(next_command_++);
  pending_[rid] =
      PendingCommand{s->serial, cmd.contains("id") ? cmd["id"] : Json(), cmd["type"], h.id};
  Json fwd = cmd;
  fwd["id"] = rid;
  fwd["hall"] = h.id;
  send(h.publisher, fwd);
}

void Hub::route_answer(Session* s, Json msg) {
  (void)s;
  if (!msg.contains("id") || !msg["id"].is_string()) return;
  auto it = pending_.find(msg["id"]);
  if (it == pending_.end()) return;
  PendingCommand pc = it->second;
  pending_.erase(it);
  auto origin = by_serial_.find(pc.origin_serial);
  if (origin == by_serial_.end()) return;  // the operator left meanwhile
  if (pc.original_id.is_null())
    msg.erase("id");
  else
    msg["id"] = pc.original_id;
  msg["ref"] = pc.type;
  send(origin->second, msg);
}

void Hub::on_publisher_text(Session* s, const Json& msg) {
  Hall* h = hall(s->hall);
  if (!s->attached || h->publisher != s)
    return send(s, make_error(msg, "unauthorized", "authenticate as the publisher first"));
  if (msg["type"] == "ack" || msg["type"] == "error") return route_answer(s, msg);
  if (msg["type"] == "state") {
    // The health counters ("stats") stay here for /metrics; clients get the state only when
    // something else in it changed (the streamer repeats it every second with fresh counters).
    Json st = msg;
    if (auto it = st.find("stats"); it != st.end()) {
      if (it->is_object()) {
        h->metrics.streamer_stats = std::move(*it);
        h->metrics.stats_at_ms = now_ms();
      }
      st.erase("stats");
    }
    if (st == h->state) return;
    h->state = std::move(st);
    broadcast(*h, state_event(*h), false);
    return;
  }
  send(s, make_error(msg, "unknown_type", "the publisher may send state, ack, error"));
}

Json Hub::state_event(const Hall& h) const {
  Json ev = h.state.is_object() ? h.state : Json::object();
  ev.erase("id");
  ev["type"] = "state";
  ev["hall"] = h.id;
  ev["stream"] = h.ring.live() ? "live" : "offline";
  return ev;
}

Json Hub::hello(const Session* s) const {
  const Hall& h = *const_cast<Hub*>(this)->hall(s->hall);
  Json halls = Json::array();
  for (const auto& x : cfg_.halls) halls.push_back({{"id", x.id}, {"name", x.name}});
  size_t viewers = h.live_clients;
  const auto& e = cfg_.event;
  return Json{{"type", "hello"},
              {"protocol", 1},
              {"hall", h.id},
              {"halls", halls},
              {"role", to_string(s->role)},
              {"event",
               {{"id", e.id},
                {"name", e.name},
                {"organiser", e.organiser},
                {"venue", e.venue},
                {"timezone", e.timezone}}},
              {"state", state_event(h)},
              {"title", h.text.title_json()},
              {"captions", h.text.recent_json()},
              {"viewers", viewers}};
}

// What an operator page shows of a hall's health (docs/protocol.md, /api/state "health").
Json Hub::hall_health(const Hall& h) const {
  int64_t now = now_ms();
  std::string ph = program_health(h);
  Json stats = h.publisher ? h.metrics.streamer_stats : Json::object();
  return Json{{"program_health", ph},
              {"program_healthy", ph == "ok"},
              {"stats", stats},
              {"stats_age_ms",
               h.publisher && h.metrics.stats_at_ms ? Json(now - h.metrics.stats_at_ms) : Json()},
              {"captions", h.metrics.captions},
              {"caption_silence_s", std::round(caption_silence_s(h, now, started_ms_))},
              {"session_active", session_active(cfg_, h.id, now)}};
}

Json Hub::api_state() const {
  Json halls = Json::array();
  for (const auto& h : halls_) {
    size_t viewers = h->live_clients;
    Json st = state_event(*h);
    Json sessions = Json::array();
    for (const config::Session* x : cfg_.sessions_of_hall(h->id)) {
      Json speakers = Json::array();
      for (const auto& p : x->speakers) speakers.push_back({{"name", p.name}, {"role", p.role}});
      sessions.push_back({{"id", x->id},
                          {"hall", x->hall},
                          {"title", x->title},
                          {"start", x->start_text},
                          {"end", x->end_text},
                          {"speakers", speakers}});
    }
    halls.push_back({{"id", h->id},
                     {"name", cfg_.find_hall(h->id)->name},
                     {"stream", st["stream"]},
                     {"publisher", h->publisher != nullptr},
                     {"viewers", viewers},
                     {"session", h->text.current_session(now_ms())},
                     {"title", h->text.title_json()},
                     {"sessions", sessions},
                     {"state", st},
                     {"health", hall_health(*h)}});
  }
  const auto& e = cfg_.event;
  return Json{{"event", {{"id", e.id}, {"name", e.name}, {"timezone", e.timezone}}},
              {"halls", halls},
              {"viewers", viewers()},
              {"connections", total_}};
}

std::string program_health(const Hall& h) {
  if (!h.publisher || !h.state.is_object()) return "unknown";
  if (auto it = h.state.find("program_health"); it != h.state.end() && it->is_string()) return *it;
  // A streamer from before program_health: its program source's health and the slate reason.
  if (h.state.value("slate_reason", Json("")) == "source_lost") return "slate";
  const Json program = h.state.value("program", Json());
  return program.is_string() && source_ok(h, program) ? "ok" : "unknown";
}

bool source_ok(const Hall& h, const std::string& source) {
  if (!h.publisher || !h.state.is_object()) return false;
  auto sources = h.state.find("sources");
  if (sources == h.state.end() || !sources->is_array()) return false;
  for (const auto& x : *sources)
    if (x.is_object() && x.value("id", Json()) == source) return x.value("health", Json()) == "ok";
  return false;
}

double caption_silence_s(const Hall& h, int64_t now_ms, int64_t since_ms) {
  int64_t last = h.metrics.last_final_caption_ms;
  if (last == 0) {  // none since the start: the newest replayed from the caption log, if any
    Json recent = h.text.recent_json();
    if (!recent.empty() && recent.back().value("t", Json()).is_number_integer())
      last = recent.back()["t"].get<int64_t>();
  }
  if (last == 0) last = since_ms;
  return std::max<int64_t>(0, now_ms - last) / 1000.0;
}

bool session_active(const config::Config& cfg, const std::string& hall, int64_t now_ms) {
  auto now = config::TimePoint(std::chrono::milliseconds(now_ms));
  for (const config::Session* s : cfg.sessions_of_hall(hall))
    if (s->start <= now && now < s->end) return true;
  return false;
}

double streamer_stat(const Hall& h, const char* pointer) {
  try {  // the stats are the streamer's: any shape may arrive, only numbers count
    const Json& stats = h.metrics.streamer_stats;
    Json::json_pointer p(pointer);
    if (!stats.contains(p)) return 0.0;
    const Json& v = stats.at(p);
    if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
    return v.is_number() ? v.get<double>() : 0.0;
  } catch (const Json::exception&) {
    return 0.0;
  }
}

}  // namespace hallcast::relay
