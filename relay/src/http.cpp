// The HTTP side: health, metrics, state, WebVTT transcripts, static pages.
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

std::string metrics_text(Hub& hub) {
  const Metrics& m = hub.metrics();
  std::string out;
  auto metric = [&](const char* name, const char* type, const char* help, uint64_t v,
                    const std::string& labels = "") {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
           name + labels + " " + std::to_string(v) + "\n";
  };
  metric("hallcast_viewers", "gauge", "Connected live clients", hub.viewers());
  metric("hallcast_connections", "gauge", "Open WebSocket connections", hub.connections());
  metric("hallcast_bytes_out_total", "counter", "Bytes sent to WebSocket clients", m.bytes_out);
  metric("hallcast_messages_out_total", "counter", "Messages sent to WebSocket clients",
         m.messages_out);
  metric("hallcast_fragments_in_total", "counter", "Media fragments received from publishers",
         m.fragments_in);
  metric("hallcast_bytes_in_total", "counter", "Media bytes received from publishers", m.bytes_in);
  metric("hallcast_viewer_skips_total", "counter", "Times a slow viewer skipped to a keyframe",
         m.skips);
  metric("hallcast_skipped_fragments_total", "counter", "Fragments skipped by slow viewers",
         m.skipped_fragments);
  metric("hallcast_lag_disconnects_total", "counter", "Clients disconnected for lagging",
         m.lag_disconnects);
  metric("hallcast_auth_failures_total", "counter", "Failed authentication attempts",
         m.auth_failures);
  metric("hallcast_rejected_connections_total", "counter",
         "Connections refused (caps, hall, origin)", m.rejected_connections);
  metric("hallcast_protocol_errors_total", "counter", "Malformed or oversized messages",
         m.protocol_errors);
  metric("hallcast_captions_total", "counter", "Final captions accepted", m.captions);
  metric("hallcast_commands_total", "counter", "Control commands received", m.commands);
  out +=
      "# HELP hallcast_publisher_connected Whether a hall's stream is live\n"
      "# TYPE hallcast_publisher_connected gauge\n";
  for (const auto& h : hub.halls())
    out += "hallcast_publisher_connected{hall=\"" + h->id + "\"} " + (h->ring.live() ? "1" : "0") +
           "\n";
  return out;
}

}  // namespace hallcast::relay
