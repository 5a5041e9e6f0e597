// The HTTP side: health, metrics, state, WebVTT transcripts, static pages.
#include <charconv>
#include <cmath>
#include <cstring>

#include "hallcast/common/logging.hpp"
#include "hallcast/relay/relay_limits.hpp"
#include "hallcast/relay/static_files.hpp"
#include "server_impl.hpp"

namespace hallcast::relay {
namespace {

constexpr const char* kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'";

bool add_header(lws* wsi, const char* name, const std::string& value, unsigned char** p,
                unsigned char* end) {
  return lws_add_http_header_by_name(wsi, reinterpret_cast<const unsigned char*>(name),
                                     reinterpret_cast<const unsigned char*>(value.data()),
                                     static_cast<int>(value.size()), p, end) == 0;
}

// Headers now; the body from HTTP_WRITEABLE.
int respond(lws* wsi, PerSession* pss, unsigned status, const char* mime, std::string body) {
  unsigned char buf[LWS_PRE + 2048];
  unsigned char* start = buf + LWS_PRE;
  unsigned char* p = start;
  unsigned char* end = buf + sizeof buf - 1;
  if (lws_add_http_common_headers(wsi, status, mime, body.size(), &p, end) ||
      !add_header(wsi, "x-content-type-options:", "nosniff", &p, end) ||
      !add_header(wsi, "cache-control:", "no-store", &p, end) ||
      !add_header(wsi, "content-security-policy:", kCsp, &p, end) ||
      lws_finalize_write_http_header(wsi, start, &p, end))
    return -1;
  delete pss->http_body;
  pss->http_body = new std::string(LWS_PRE, '\0');
  *pss->http_body += body;
  pss->http_sent = 0;
  lws_callback_on_writable(wsi);
  return 0;
}

int respond_json(lws* wsi, PerSession* pss, unsigned status, const Json& j) {
  return respond(wsi, pss, status, "application/json", j.dump(2) + "\n");
}

int serve_file(RelayServer::Impl& impl, lws* wsi, const char* uri) {
  auto file = resolve_static(impl.web_root, uri);
  if (!file) {
    lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, nullptr);
    return lws_http_transaction_completed(wsi) ? -1 : 0;
  }
  std::string extra = std::string("content-security-policy: ") + kCsp +
                      "\r\nx-content-type-options: nosniff\r\ncache-control: no-cache\r\n";
  int n = lws_serve_http_file(wsi, file->c_str(), std::string(mime_type(*file)).c_str(),
                              extra.c_str(), static_cast<int>(extra.size()));
  if (n < 0 || (n > 0 && lws_http_transaction_completed(wsi))) return -1;
  return 0;
}

int captions_vtt(RelayServer::Impl& impl, lws* wsi, PerSession* pss, const std::string& session) {
  const auto* s = impl.cfg.find_session(session);
  std::string hall = s ? s->hall : session;  // captions outside any session are filed by hall id
  Hall* h = impl.hub.hall(hall);
  const auto* lines = h ? h->text.session_captions(session) : nullptr;
  if (!s && !h) {
    return respond(wsi, pss, HTTP_STATUS_NOT_FOUND, "text/plain; charset=utf-8",
                   "no such session\n");
  }
  std::vector<FinalCaption> none;
  if (!lines) lines = &none;
  // Cue times count from the session's start when the captions were written during it (a
  // replayed schedule from another day would give absurd offsets), else from the first caption.
  int64_t origin = lines->empty() ? 0 : lines->front().t;
  if (s && !lines->empty()) {
    auto ms = [](config::TimePoint t) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    };
    if (origin >= ms(s->start) && origin <= ms(s->end)) origin = ms(s->start);
  }
  return respond(wsi, pss, HTTP_STATUS_OK, "text/vtt; charset=utf-8", to_webvtt(*lines, origin));
}

}  // namespace

int http_request(RelayServer::Impl& impl, lws* wsi, PerSession* pss, const char* uri) {
  Hub& hub = impl.hub;
  std::string peer = peer_address(wsi);
  if (hub.connections() >= static_cast<size_t>(impl.cfg.relay.max_connections) ||
      hub.connections_from(peer) >=
          static_cast<size_t>(impl.cfg.relay.max_connections_per_address)) {
    ++hub.metrics().rejected_connections;
    return respond(wsi, pss, HTTP_STATUS_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8",
                   "too many connections\n");
  }
  if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) <= 0)
    return respond(wsi, pss, HTTP_STATUS_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
                   "GET only\n");
  std::string path = uri ? uri : "/";
  if (path == "/healthz") {
    size_t live = 0;
    for (const auto& h : hub.halls()) live += h->ring.live();
    return respond_json(wsi, pss, HTTP_STATUS_OK,
                        Json{{"status", "ok"},
                             {"publishers", live},
                             {"publisher_connected", live > 0},
                             {"viewers", hub.viewers()},
                             {"uptime_s", (now_ms() - hub.started_ms()) / 1000}});
  }
  if (path == "/metrics")
    return respond(wsi, pss, HTTP_STATUS_OK, "text/plain; version=0.0.4; charset=utf-8",
                   metrics_text(hub));
  if (path == "/api/state") return respond_json(wsi, pss, HTTP_STATUS_OK, hub.api_state());
  const std::string prefix = "/captions/", suffix = ".vtt";
  if (path.rfind(prefix, 0) == 0 && path.size() > prefix.size() + suffix.size() &&
      path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0)
    return captions_vtt(impl, wsi, pss,
                        path.substr(prefix.size(), path.size() - prefix.size() - suffix.size()));
  return serve_file(impl, wsi, path.c_str());
}

int http_writeable(lws* wsi, PerSession* pss) {
  if (!pss->http_body) return 0;
  std::string& b = *pss->http_body;
  size_t len = b.size() - LWS_PRE;
  int n = lws_write(wsi, reinterpret_cast<unsigned char*>(b.data()) + LWS_PRE, len,
                    LWS_WRITE_HTTP_FINAL);
  delete pss->http_body;
  pss->http_body = nullptr;
  if (n < static_cast<int>(len)) return -1;
  return lws_http_transaction_completed(wsi) ? -1 : 0;
}

namespace {

// A Prometheus label value: backslash, double quote and line feed escaped.
std::string label_value(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"')
      out += {'\\', c};
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

// Shortest text that reads back as the same double; Prometheus spells the infinities +Inf/-Inf.
std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 9.0e15)  // counters: whole numbers, never 1e+15
    return std::to_string(static_cast<int64_t>(v));
  char buf[64];
  auto r = std::fabs(v) >= 1e-6 ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
                                : std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// The text exposition format, one family (HELP, TYPE, samples) at a time.
class Exposition {
 public:
  using Labels = std::vector<std::pair<std::string, std::string>>;
  void family(const char* name, const char* type, const char* help) {
    out_ += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  }
  void sample(const std::string& name, const Labels& labels, double value) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      for (size_t i = 0; i < labels.size(); ++i)
        out_ += (i ? "," : "") + labels[i].first + "=\"" + label_value(labels[i].second) + "\"";
      out_ += '}';
    }
    out_ += " " + number(value) + "\n";
  }
  // A family with one unlabelled sample.
  void single(const char* name, const char* type, const char* help, double value) {
    family(name, type, help);
    sample(name, {}, value);
  }
  // A family with one sample per hall.
  template <typename F>
  void per_hall(const Hub& hub, const char* name, const char* type, const char* help, F value) {
    family(name, type, help);
    for (const auto& h : hub.halls()) sample(name, {{"hall", h->id}}, value(*h));
  }
  // The samples of one histogram series (its family written before): buckets, sum, count.
  template <typename H>
  void histogram(const std::string& name, const Labels& labels, const H& h) {
    for (size_t i = 0; i < H::kBounds.size(); ++i) {
      Labels with_le = labels;
      with_le.emplace_back("le", number(H::kBounds[i]));
      sample(name + "_bucket", with_le, static_cast<double>(h.bucket(i)));
    }
    Labels inf = labels;
    inf.emplace_back("le", "+Inf");
    sample(name + "_bucket", inf, static_cast<double>(h.count()));
    sample(name + "_sum", labels, h.sum());
    sample(name + "_count", labels, static_cast<double>(h.count()));
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

void relay_totals(Exposition& e, Hub& hub) {
  const Metrics& m = hub.metrics();
  auto c = [&](const char* name, const char* help, uint64_t v) {
    e.single(name, "counter", help, static_cast<double>(v));
  };
  e.single("hallcast_viewers", "gauge", "Connected live clients",
           static_cast<double>(hub.viewers()));
  e.single("hallcast_connections", "gauge", "Open WebSocket connections",
           static_cast<double>(hub.connections()));
  c("hallcast_bytes_out_total", "Bytes sent to WebSocket clients", m.bytes_out);
  c("hallcast_messages_out_total", "Messages sent to WebSocket clients", m.messages_out);
  c("hallcast_fragments_in_total", "Media fragments received from publishers", m.fragments_in);
  c("hallcast_bytes_in_total", "Media bytes received from publishers", m.bytes_in);
  c("hallcast_viewer_skips_total", "Times a slow viewer skipped to a keyframe", m.skips);
  c("hallcast_skipped_fragments_total", "Fragments skipped by slow viewers", m.skipped_fragments);
  c("hallcast_lag_disconnects_total", "Clients disconnected for lagging", m.lag_disconnects);
  c("hallcast_auth_failures_total", "Failed authentication attempts", m.auth_failures);
  c("hallcast_rejected_connections_total", "Connections refused (caps, hall, origin)",
    m.rejected_connections);
  c("hallcast_protocol_errors_total", "Malformed or oversized messages", m.protocol_errors);
  c("hallcast_captions_total", "Final captions accepted", m.captions);
  c("hallcast_commands_total", "Control commands received", m.commands);
  e.single("hallcast_fanout_threads", "gauge", "Threads sending media fragments to viewers",
           static_cast<double>(hub.fanout_threads()));
  c("hallcast_fanout_parallel_total", "Fragments sent to viewers on several threads",
    m.parallel_fanouts);
  c("hallcast_fanout_partial_writes_total",
    "Parallel fan-out sends the socket did not take whole (the rest buffered)",
    m.parallel_partial_writes);
}

// What each hall's streamer reports (its "stats"): gauges are 0 while it is away, counters keep
// their last value so that they never go backwards.
void streamer_health(Exposition& e, const Hub& hub) {
  auto live = [](const Hall& h, const char* pointer) {
    return h.publisher ? streamer_stat(h, pointer) : 0.0;
  };
  e.per_hall(hub, "hallcast_program_healthy", "gauge",
             "1 while the program source delivers (program_health ok)",
             [](const Hall& h) { return program_health(h) == "ok" ? 1.0 : 0.0; });
  e.family("hallcast_program_source_info", "gauge",
           "The program source and its health (ok, starting, held, slate, waiting, unknown)");
  for (const auto& h : hub.halls()) {
    const Json program = h->publisher ? h->state.value("program", Json()) : Json();
    e.sample("hallcast_program_source_info",
             {{"hall", h->id},
              {"source", program.is_string() ? program.get<std::string>() : ""},
              {"state", program_health(*h)}},
             1);
  }
  e.family("hallcast_source_healthy", "gauge", "1 while a configured source delivers");
  for (const auto& h : hub.halls())
    for (const config::Source* s : hub.cfg().sources_of_hall(h->id))
      e.sample("hallcast_source_healthy", {{"hall", h->id}, {"source", s->id}},
               source_ok(*h, s->id) ? 1 : 0);
  e.per_hall(hub, "hallcast_frames_encoded_total", "counter",
             "Program video frames encoded by the hall's streamer",
             [](const Hall& h) { return streamer_stat(h, "/frames_encoded"); });
  e.family("hallcast_frames_dropped_total", "counter",
           "Frames the hall's streamer lost, by stage (program, srt, relay)");
  for (const auto& h : hub.halls())
    for (const char* stage : {"program", "srt", "relay"})
      e.sample("hallcast_frames_dropped_total", {{"hall", h->id}, {"stage", stage}},
               streamer_stat(*h, (std::string("/dropped/") + stage).c_str()));
  e.per_hall(hub, "hallcast_encode_fps", "gauge", "Program frames encoded per second",
             [&](const Hall& h) { return live(h, "/fps"); });
  e.per_hall(hub, "hallcast_srt_clients", "gauge", "SRT callers on the streamer's listener",
             [&](const Hall& h) { return live(h, "/outputs/srt/clients"); });
  e.per_hall(hub, "hallcast_publisher_queue_fragments", "gauge",
             "Fragments waiting in the streamer for the relay",
             [&](const Hall& h) { return live(h, "/outputs/relay/queue_fragments"); });
}

void hall_figures(Exposition& e, const Hub& hub) {
  int64_t now = now_ms();
  e.per_hall(hub, "hallcast_hall_viewers", "gauge", "Live clients of the hall",
             [](const Hall& h) { return static_cast<double>(h.live_clients); });
  e.per_hall(hub, "hallcast_hall_captions_total", "counter", "Final captions accepted in the hall",
             [](const Hall& h) { return static_cast<double>(h.metrics.captions); });
  e.per_hall(hub, "hallcast_hall_lag_disconnects_total", "counter",
             "Clients of the hall disconnected for lagging",
             [](const Hall& h) { return static_cast<double>(h.metrics.lag_disconnects); });
  e.family("hallcast_caption_delay_seconds", "histogram",
           "Final caption received to broadcast queued, caption log fsync included");
  for (const auto& h : hub.halls())
    e.histogram("hallcast_caption_delay_seconds", {{"hall", h->id}}, h->metrics.caption_delay);
  e.family("hallcast_fanout_seconds", "histogram",
           "Media fragment fully received to send() returned for the median or last up-to-date "
           "viewer");
  for (const auto& h : hub.halls()) {
    const FanoutTimer& f = h->metrics.fanout;
    e.histogram("hallcast_fanout_seconds", {{"hall", h->id}, {"viewer", "median"}}, f.median());
    e.histogram("hallcast_fanout_seconds", {{"hall", h->id}, {"viewer", "last"}}, f.last());
  }
  e.per_hall(hub, "hallcast_caption_silence_seconds", "gauge",
             "Seconds since the hall's last final caption", [&](const Hall& h) {
               return std::round(caption_silence_s(h, now, hub.started_ms()));
             });
  e.per_hall(hub, "hallcast_session_active", "gauge",
             "1 while a scheduled session of the hall is on",
             [&](const Hall& h) { return session_active(hub.cfg(), h.id, now) ? 1.0 : 0.0; });
}

}  // namespace

std::string metrics_text(Hub& hub) {
  Exposition e;
  relay_totals(e, hub);
  e.per_hall(hub, "hallcast_publisher_connected", "gauge", "Whether a hall's stream is live",
             [](const Hall& h) { return h.ring.live() ? 1.0 : 0.0; });
  streamer_health(e, hub);
  hall_figures(e, hub);
  return e.take();
}

}  // namespace hallcast::relay
