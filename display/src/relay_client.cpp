#include "hallcast/display/relay_client.hpp"

#include <cstring>
#include <stdexcept>

#include <libwebsockets.h>

#include "hallcast/common/logging.hpp"
#include "hallcast/display/limits.hpp"

namespace hallcast::display {
namespace {

constexpr const char* kProtocol = "hallcast.live.v1";

std::shared_ptr<spdlog::logger> log() {
  return logging::get("display");
}

// lws's own log lines go to the "lws" logger (any thread lws logs from; spdlog is thread-safe).
void lws_log(int level, const char* line) {
  static auto logger = logging::get("lws");
  std::string_view text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if ((level & LLL_ERR) != 0)
    logger->warn("{}", text);
  else
    logger->debug("{}", text);
}

// Keep-alive: a relay that stops answering pings is dropped and reconnected.
const lws_retry_bo_t kRetryPolicy = {
    .retry_ms_table = nullptr,
    .retry_ms_table_count = 0,
    .conceal_count = 0,
    .secs_since_valid_ping = 5,
    .secs_since_valid_hangup = 15,
    .jitter_percent = 0,
};

}  // namespace

RelayClient::RelayClient(GMainLoop* loop, RelayEndpoint endpoint, std::string bearer,
                         Callbacks callbacks)
    : loop_(loop),
      endpoint_(std::move(endpoint)),
      bearer_(std::move(bearer)),
      callbacks_(std::move(callbacks)),
      backoff_(limits::kRetryInitialMs, limits::kRetryMaxMs) {}

RelayClient::~RelayClient() {
  stop();
}

void RelayClient::start() {
  lws_set_log_level(LLL_ERR | LLL_WARN, lws_log);
  static const lws_protocols protocols[] = {
      {kProtocol, reinterpret_cast<lws_callback_function*>(&RelayClient::callback), 0, 64 * 1024, 0,
       nullptr, 0},
      {nullptr, nullptr, 0, 0, 0, nullptr, 0}};
  lws_context_creation_info info;
  std::memset(&info, 0, sizeof info);
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = protocols;
  info.options = LWS_SERVER_OPTION_GLIB | LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
  void* foreign_loops[1] = {loop_};
  info.foreign_loops = foreign_loops;
  info.user = this;
  context_ = lws_create_context(&info);
  if (context_ == nullptr) throw std::runtime_error("cannot create the WebSocket client context");
  connect();
}

void RelayClient::stop() {
  stopping_ = true;
  if (retry_source_ != 0) {
    g_source_remove(retry_source_);
    retry_source_ = 0;
  }
  if (context_ != nullptr) {
    lws_context_destroy(context_);
    context_ = nullptr;
  }
  wsi_ = nullptr;
  connected_ = false;
}

void RelayClient::connect() {
  if (stopping_ || context_ == nullptr) return;
  lws_client_connect_info ci;
  std::memset(&ci, 0, sizeof ci);
  ci.context = context_;
  ci.address = endpoint_.host.c_str();
  ci.port = endpoint_.port;
  ci.path = endpoint_.path.c_str();
  ci.host = endpoint_.host.c_str();
  ci.origin = endpoint_.host.c_str();
  ci.protocol = kProtocol;
  ci.ssl_connection = endpoint_.tls ? LCCSCF_USE_SSL : 0;
  ci.retry_and_idle_policy = &kRetryPolicy;
  ci.pwsi = &wsi_;
  if (lws_client_connect_via_info(&ci) == nullptr) {
    wsi_ = nullptr;
    schedule_retry("connect failed");
  }
}

void RelayClient::schedule_retry(const char* why) {
  wsi_ = nullptr;
  if (connected_ && callbacks_.on_connection) callbacks_.on_connection(false);
  connected_ = false;
  if (stopping_ || retry_source_ != 0) return;
  int delay = backoff_.next_ms();
  log()->info("relay {}:{}: {}; retrying in {} ms", endpoint_.host, endpoint_.port, why, delay);
  retry_source_ = g_timeout_add(guint(delay), &RelayClient::on_retry, this);
}

gboolean RelayClient::on_retry(gpointer self) {
  auto* c = static_cast<RelayClient*>(self);
  c->retry_source_ = 0;
  c->connect();
  return G_SOURCE_REMOVE;
}

int RelayClient::callback(lws* wsi, int reason, void*, void* in, size_t len) {
  lws_context* ctx = lws_get_context(wsi);
  auto* self = ctx != nullptr ? static_cast<RelayClient*>(lws_context_user(ctx)) : nullptr;
  if (self == nullptr) return 0;
  try {
    return self->handle(wsi, reason, in, len);
  } catch (const std::exception& e) {  // never across the C callback
    log()->error("relay client: {}", e.what());
    return -1;
  }
}

int RelayClient::handle(lws* wsi, int reason, void* in, size_t len) {
  switch (reason) {
    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
      if (bearer_.empty()) break;
      auto** p = static_cast<unsigned char**>(in);
      std::string value = "Bearer " + bearer_;
      if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_AUTHORIZATION,
                                       reinterpret_cast<const unsigned char*>(value.data()),
                                       int(value.size()), p, *p + len) != 0) {
        return -1;
      }
      break;
    }
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
      connected_ = true;
      backoff_.reset();
      log()->info("relay {}:{}{}: connected", endpoint_.host, endpoint_.port, endpoint_.path);
      if (callbacks_.on_connection) callbacks_.on_connection(true);
      break;
    case LWS_CALLBACK_CLIENT_RECEIVE:
      receive(wsi, in, len);
      break;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
      std::string why = in != nullptr ? std::string(static_cast<const char*>(in), len) : "error";
      if (wsi == wsi_ || wsi_ == nullptr)
        schedule_retry(why.empty() ? "connection error" : why.c_str());
      break;
    }
    case LWS_CALLBACK_CLIENT_CLOSED:
      if (wsi == wsi_ || wsi_ == nullptr) schedule_retry("connection closed");
      break;
    default:
      break;
  }
  return 0;
}

void RelayClient::receive(lws* wsi, const void* in, size_t len) {
  if (lws_is_first_fragment(wsi)) {
    message_.clear();
    message_binary_ = lws_frame_is_binary(wsi) != 0;
    message_too_big_ = false;
  }
  if (!message_too_big_) {
    if (message_.size() + len > limits::kMaxRelayMessageBytes) {
      message_too_big_ = true;
      message_.clear();
      log()->warn("relay message over {} bytes dropped", limits::kMaxRelayMessageBytes);
    } else {
      const auto* bytes = static_cast<const uint8_t*>(in);
      message_.insert(message_.end(), bytes, bytes + len);
    }
  }
  if (!lws_is_final_fragment(wsi) || message_too_big_) return;
  if (message_binary_) {
    if (callbacks_.on_binary) callbacks_.on_binary(message_);
  } else if (callbacks_.on_text) {
    callbacks_.on_text(
        std::string_view(reinterpret_cast<const char*>(message_.data()), message_.size()));
  }
  message_.clear();
}

}  // namespace hallcast::display
