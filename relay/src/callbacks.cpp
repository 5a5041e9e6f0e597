// The WebSocket side of the lws callback: handshake checks, message assembly with size limits,
// and the hand-off to the Hub.
#include <cstring>

#include "hallcast/common/logging.hpp"
#include "hallcast/common/text.hpp"
#include "hallcast/relay/relay_limits.hpp"
#include "server_impl.hpp"

namespace hallcast::relay {
namespace {

Channel channel_of(lws* wsi) {
  return static_cast<Channel>(lws_get_protocol(wsi)->id);
}

RelayServer::Impl& impl_of(lws* wsi) {
  return *static_cast<RelayServer::Impl*>(lws_context_user(lws_get_context(wsi)));
}

// The hall named by ?hall=, or the event's first hall; "" if it names an unknown hall.
std::string requested_hall(lws* wsi, const config::Config& cfg) {
  char buf[128];
  const char* v = lws_get_urlarg_by_name(wsi, "hall=", buf, sizeof buf);
  if (!v || !*v) return cfg.halls.front().id;
  return cfg.find_hall(v) ? std::string(v) : std::string();
}

bool origin_allowed(lws* wsi, const config::Config& cfg) {
  std::string origin = header(wsi, WSI_TOKEN_ORIGIN);
  if (origin.empty()) return true;  // not a browser: auth decides
  if (cfg.relay.allowed_origins.empty()) {
    std::string host = header(wsi, WSI_TOKEN_HOST);
    return origin == "http://" + host || origin == "https://" + host;
  }
  for (const auto& o : cfg.relay.allowed_origins)
    if (o == origin) return true;
  return false;
}

int filter(lws* wsi) {
  auto& impl = impl_of(wsi);
  Channel ch = channel_of(wsi);
  if (requested_hall(wsi, impl.cfg).empty()) {
    ++impl.hub.metrics().rejected_connections;
    logging::get("relay")->info("{} handshake from {} refused: unknown hall", to_string(ch),
                                peer_address(wsi));
    lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, "unknown hall");
    return 1;
  }
  if (ch != Channel::Live && !origin_allowed(wsi, impl.cfg)) {
    ++impl.hub.metrics().rejected_connections;
    logging::get("relay")->warn("{} handshake from {} refused: origin not allowed", to_string(ch),
                                peer_address(wsi));
    lws_return_http_status(wsi, HTTP_STATUS_FORBIDDEN, "origin not allowed");
    return 1;
  }
  return 0;
}

void established(lws* wsi, PerSession* pss) {
  auto& impl = impl_of(wsi);
  auto* s = new Session();
  pss->session = s;
  s->wsi = wsi;
  if (!lws_is_ssl(wsi) && lws_get_network_wsi(wsi) == wsi) s->raw_fd = lws_get_socket_fd(wsi);
  s->channel = channel_of(wsi);
  s->hall = requested_hall(wsi, impl.cfg);
  s->peer = peer_address(wsi);
  std::string auth = header(wsi, WSI_TOKEN_HTTP_AUTHORIZATION);
  std::string bearer;
  if (auth.rfind("Bearer ", 0) == 0) bearer = auth.substr(7);
  impl.hub.open(s, bearer);
}

int close_now(lws* wsi, Hub& hub, lws_close_status code, const char* reason) {
  ++hub.metrics().protocol_errors;
  lws_close_reason(wsi, code, reinterpret_cast<unsigned char*>(const_cast<char*>(reason)),
                   strlen(reason));
  return -1;
}

int receive(lws* wsi, Session* s, const uint8_t* in, size_t len) {
  auto& impl = impl_of(wsi);
  size_t max = static_cast<size_t>(s->channel == Channel::Publish
                                       ? impl.cfg.relay.max_media_message_bytes
                                       : impl.cfg.relay.max_control_message_bytes);
  if (s->rx.empty()) s->rx_binary = lws_frame_is_binary(wsi);
  // The frame header already told how much is coming: refuse before buffering any of it.
  size_t remaining = lws_remaining_packet_payload(wsi);
  if (s->rx.size() + len + remaining > max) {
    logging::get("relay")->warn("{} client {}: message over {} bytes, closing",
                                to_string(s->channel), s->peer, max);
    return close_now(wsi, impl.hub, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "message too big");
  }
  s->rx.insert(s->rx.end(), in, in + len);
  if (!lws_is_final_fragment(wsi) || remaining) return 0;
  std::vector<uint8_t> msg;
  msg.swap(s->rx);
  if (s->rx_binary) {
    impl.hub.on_binary(s, std::move(msg));
    return 0;
  }
  std::string_view text(reinterpret_cast<const char*>(msg.data()), msg.size());
  if (!text::is_valid_utf8(text)) {
    logging::get("relay")->warn("{} client {}: invalid UTF-8, closing", to_string(s->channel),
                                s->peer);
    return close_now(wsi, impl.hub, LWS_CLOSE_STATUS_INVALID_PAYLOAD, "invalid UTF-8");
  }
  impl.hub.on_text(s, text);
  return 0;
}

int dispatch(lws* wsi, lws_callback_reasons reason, PerSession* pss, void* in, size_t len) {
  switch (reason) {
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
      return filter(wsi);
    case LWS_CALLBACK_ESTABLISHED:
      established(wsi, pss);
      return 0;
    case LWS_CALLBACK_RECEIVE:
      if (!pss->session) return -1;
      return receive(wsi, pss->session, static_cast<const uint8_t*>(in), len);
    case LWS_CALLBACK_SERVER_WRITEABLE:
      if (!pss->session) return 0;
      return impl_of(wsi).hub.write(pss->session);
    case LWS_CALLBACK_CLOSED:
      if (pss->session) {
        impl_of(wsi).hub.close(pss->session);
        delete pss->session;
        pss->session = nullptr;
      }
      return 0;
    case LWS_CALLBACK_HTTP:
      return http_request(impl_of(wsi), wsi, pss, static_cast<const char*>(in));
    case LWS_CALLBACK_HTTP_WRITEABLE:
      return http_writeable(wsi, pss);
    case LWS_CALLBACK_HTTP_FILE_COMPLETION:
      return lws_http_transaction_completed(wsi) ? -1 : 0;
    case LWS_CALLBACK_CLOSED_HTTP:
      delete pss->http_body;
      pss->http_body = nullptr;
      return 0;
    // Deliberately not handled: LWS_CALLBACK_HTTP_CONFIRM_UPGRADE (CVE-2025-11677 in 4.1.6).
    default:
      return 0;
  }
}

}  // namespace

std::string header(lws* wsi, lws_token_indexes token) {
  int n = lws_hdr_total_length(wsi, token);
  if (n <= 0 || static_cast<size_t>(n) >= limits::kMaxHeaderValue) return {};
  std::string v(static_cast<size_t>(n) + 1, '\0');
  if (lws_hdr_copy(wsi, v.data(), n + 1, token) < 0) return {};
  v.resize(static_cast<size_t>(n));
  return v;
}

std::string peer_address(lws* wsi) {
  char buf[64] = {0};
  lws_get_peer_simple(wsi, buf, sizeof buf);
  return buf;
}

int lws_callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len) {
  try {
    auto* pss = static_cast<PerSession*>(user);
    if (!pss && reason != LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION)
      return lws_callback_http_dummy(wsi, reason, user, in, len);
    return dispatch(wsi, reason, pss, in, len);
  } catch (const std::exception& e) {
    logging::get("relay")->error("callback {} failed: {}", static_cast<int>(reason), e.what());
  } catch (...) {
    logging::get("relay")->error("callback {} failed", static_cast<int>(reason));
  }
  return -1;
}

}  // namespace hallcast::relay
