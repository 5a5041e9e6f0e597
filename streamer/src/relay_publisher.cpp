#include "hallcast/streamer/relay_publisher.hpp"

#include <cstring>
#include <stdexcept>

#include <libwebsockets.h>

#include "hallcast/common/logging.hpp"
#include "hallcast/streamer/command_json.hpp"
#include "hallcast/streamer/streamer_limits.hpp"

namespace hallcast::streamer {
namespace {

auto log() {
  return logging::get("streamer");
}
constexpr const char* kProtocol = "hallcast.publish.v1";
// Dead-relay detection: ping after 10 s of silence, give up after 25 s.
const lws_retry_bo_t kPingPolicy = {nullptr, 0, 0, 10, 25, 0};

struct RetryTimer {
  lws_sorted_usec_list_t sul;
  RelayPublisher* self;
};

void lws_to_spdlog(int level, const char* line) {
  std::string s(line ? line : "");
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  logging::get("lws")->log(level & LLL_ERR ? spdlog::level::err : spdlog::level::warn, "{}", s);
}

}  // namespace

struct RelayPublisher::Impl {
  static int callback(lws* wsi, lws_callback_reasons reason, void*, void* in, size_t len) {
    auto* self = static_cast<RelayPublisher*>(lws_context_user(lws_get_context(wsi)));
    if (!self) return 0;
    try {
      switch (reason) {
        case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
          if (self->opts_.token.empty()) break;
          auto** p = static_cast<unsigned char**>(in);
          std::string value = "Bearer " + self->opts_.token;
          if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_AUTHORIZATION,
                                           reinterpret_cast<const unsigned char*>(value.c_str()),
                                           static_cast<int>(value.size()), p, *p + len))
            return -1;
          break;
        }
        case LWS_CALLBACK_CLIENT_ESTABLISHED:
          self->on_established(wsi);
          break;
        case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
          self->on_closed(in ? static_cast<const char*>(in) : "connection error");
          break;
        case LWS_CALLBACK_CLIENT_CLOSED:
          self->on_closed("closed");
          break;
        case LWS_CALLBACK_CLIENT_RECEIVE:
          self->on_receive(wsi, in, len, lws_is_final_fragment(wsi), lws_frame_is_binary(wsi));
          break;
        case LWS_CALLBACK_CLIENT_WRITEABLE:
          self->on_writeable(wsi);
          break;
        case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
          self->on_wakeup();
          break;
        default:
          break;
      }
    } catch (const std::exception& e) {
      log()->error("relay publisher: {}", e.what());
    }
    return 0;
  }
  static void retry(lws_sorted_usec_list_t* sul) {
    auto* t = lws_container_of(sul, RetryTimer, sul);
    t->self->connect();
  }
};

namespace {
const lws_protocols kProtocols[] = {
    {kProtocol, &RelayPublisher::Impl::callback, 0, limits::kMaxRelayMessage, 0, nullptr, 0},
    {nullptr, nullptr, 0, 0, 0, nullptr, 0}};
}  // namespace

RelayPublisher::RelayPublisher(Options opts, CommandFn on_command, GMainContext* main)
    : opts_(std::move(opts)), on_command_(std::move(on_command)), main_(main) {}

RelayPublisher::~RelayPublisher() {
  stop();
  delete static_cast<RetryTimer*>(sul_);
}

void RelayPublisher::start() {
  std::string url = opts_.url;
  const char *prot = nullptr, *ads = nullptr, *path = nullptr;
  std::vector<char> buf(url.begin(), url.end());
  buf.push_back('\0');
  if (lws_parse_uri(buf.data(), &prot, &ads, &port_, &path) || !ads || !*ads)
    throw std::invalid_argument("outputs.relay_url is not a ws:// URL: " + url);
  std::string scheme = prot ? prot : "";
  if (scheme != "ws" && scheme != "wss")
    throw std::invalid_argument("outputs.relay_url must be ws:// or wss://");
  tls_ = scheme == "wss";
  address_ = ads;
  gchar* hall = g_uri_escape_string(opts_.hall.c_str(), nullptr, FALSE);
  path_ = "/" + std::string(path ? path : "");
  path_ += (path_.find('?') == std::string::npos ? "?hall=" : "&hall=") + std::string(hall);
  g_free(hall);

  lws_set_log_level(LLL_ERR | LLL_WARN, &lws_to_spdlog);
  lws_context_creation_info info{};
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = kProtocols;
  info.user = this;
  info.gid = static_cast<gid_t>(-1);
  info.uid = static_cast<uid_t>(-1);
  if (tls_) info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
  context_ = lws_create_context(&info);
  if (!context_) throw std::runtime_error("relay publisher: cannot create the lws context");
  auto* timer = new RetryTimer{};
  timer->self = this;
  sul_ = timer;
  retry_ms_ = limits::kRelayRetryInitialMs;
  thread_ = std::thread([this] { run(); });
}

void RelayPublisher::stop() {
  *alive_ = false;
  if (!thread_.joinable()) return;
  stopping_ = true;
  lws_cancel_service(context_);
  thread_.join();
  lws_context_destroy(context_);
  context_ = nullptr;
  connected_ = false;
}

void RelayPublisher::run() {
  connect();
  while (!stopping_) lws_service(context_, 0);
}

void RelayPublisher::connect() {
  if (stopping_) return;
  std::string host = address_ + ":" + std::to_string(port_);
  lws_client_connect_info i{};
  i.context = context_;
  i.address = address_.c_str();
  i.port = port_;
  i.ssl_connection = tls_ ? LCCSCF_USE_SSL : 0;
  i.path = path_.c_str();
  i.host = host.c_str();
  i.protocol = kProtocol;
  i.retry_and_idle_policy = &kPingPolicy;
  i.pwsi = &wsi_;
  if (!lws_client_connect_via_info(&i)) schedule_reconnect();
}

void RelayPublisher::schedule_reconnect() {
  if (stopping_) return;
  auto* t = static_cast<RetryTimer*>(sul_);
  lws_sul_schedule(context_, 0, &t->sul, &Impl::retry, static_cast<lws_usec_t>(retry_ms_) * 1000);
  retry_ms_ = std::min(retry_ms_ * 2, limits::kRelayRetryMaxMs);
}

void RelayPublisher::on_established(lws* wsi) {
  wsi_ = wsi;
  need_init_ = true;
  sequence_ = 0;
  retry_ms_ = limits::kRelayRetryInitialMs;
  rx_.clear();
  connected_ = true;
  connects_.fetch_add(1);
  {
    std::lock_guard lock(mu_);
    text_.clear();  // replies and states queued while away are stale; a fresh state follows
  }
  log()->info("relay connected ({}:{}, hall {})", address_, port_, opts_.hall);
  if (on_connected_) post_to_main(on_connected_);
  lws_callback_on_writable(wsi);
}

void RelayPublisher::on_closed(const char* why) {
  bool was = connected_.exchange(false);
  wsi_ = nullptr;
  if (stopping_) return;
  if (was)
    log()->warn("relay disconnected ({}); reconnecting in {} ms", why, retry_ms_);
  else
    log()->debug("relay connect failed ({}); retry in {} ms", why, retry_ms_);
  schedule_reconnect();
}

void RelayPublisher::on_wakeup() {
  if (wsi_ && connected_) lws_callback_on_writable(wsi_);
}

void RelayPublisher::on_writeable(lws* wsi) {
  if (write_next(wsi)) lws_callback_on_writable(wsi);
}

// Writes one message (init first after connect, then text, then media); true if more wait.
bool RelayPublisher::write_next(lws* wsi) {
  std::string text;
  Media m;
  bool have_media = false;
  {
    std::lock_guard lock(mu_);
    if (need_init_) {
      if (!init_) return false;  // nothing encoded yet: the init arrives with a wake-up
      m.header.kind = media::FrameKind::Init;
      m.header.capture_time_us = media::wall_clock_us();
      m.payload = init_;
      need_init_ = false;
      have_media = true;
    } else if (!text_.empty()) {
      text = std::move(text_.front());
      text_.pop_front();
    } else if (!media_.empty()) {
      m = std::move(media_.front());
      media_.pop_front();
      media_bytes_ -= m.payload->size();
      have_media = true;
    } else {
      return false;
    }
  }
  if (have_media) {
    m.header.sequence = sequence_++;
    std::vector<uint8_t> out(LWS_PRE + media::kFrameHeaderSize + m.payload->size());
    media::encode_header(m.header, out.data() + LWS_PRE);
    std::memcpy(out.data() + LWS_PRE + media::kFrameHeaderSize, m.payload->data(),
                m.payload->size());
    lws_write(wsi, out.data() + LWS_PRE, out.size() - LWS_PRE, LWS_WRITE_BINARY);
    if (m.header.kind == media::FrameKind::Fragment) sent_.fetch_add(1);
  } else {
    std::vector<unsigned char> out(LWS_PRE + text.size());
    std::memcpy(out.data() + LWS_PRE, text.data(), text.size());
    lws_write(wsi, out.data() + LWS_PRE, text.size(), LWS_WRITE_TEXT);
  }
  std::lock_guard lock(mu_);
  return !text_.empty() || !media_.empty();
}

void RelayPublisher::on_receive(lws*, const void* in, size_t len, bool final_fragment,
                                bool binary) {
  if (binary) return;  // the relay sends the publisher text only
  if (!rx_too_big_) {
    if (rx_.size() + len > limits::kMaxRelayMessage)
      rx_too_big_ = true;
    else
      rx_.append(static_cast<const char*>(in), len);
  }
  if (!final_fragment) return;
  std::string msg = std::exchange(rx_, {});
  bool too_big = std::exchange(rx_too_big_, false);
  std::string error;
  auto cmd = too_big ? std::nullopt : parse_command(msg, limits::kMaxRelayMessage, error);
  if (!cmd) {
    log()->warn("relay sent an unusable message: {}", too_big ? "too large" : error);
    return;
  }
  post_to_main([cb = on_command_, j = std::move(*cmd)] { cb(j); });
}

void RelayPublisher::post_to_main(std::function<void()> f) {
  auto* fn = new std::function<void()>([alive = alive_, f = std::move(f)] {
    if (*alive && f) f();
  });
  g_main_context_invoke_full(
      main_, G_PRIORITY_DEFAULT,
      [](gpointer d) -> gboolean {
        (*static_cast<std::function<void()>*>(d))();
        return G_SOURCE_REMOVE;
      },
      fn, [](gpointer d) { delete static_cast<std::function<void()>*>(d); });
}

void RelayPublisher::publish(const media::FrameHeader& h, std::vector<uint8_t>&& payload) {
  auto p = std::make_shared<const std::vector<uint8_t>>(std::move(payload));
  {
    std::lock_guard lock(mu_);
    if (h.kind == media::FrameKind::Init) {
      init_ = p;
    } else {
      if (wait_keyframe_ && !h.keyframe) {
        dropped_.fetch_add(1);
        return;
      }
      wait_keyframe_ = false;
      bool away = !connected_.load();
      // Away: keep only the GOP in progress (what the relay needs to start viewers at once).
      // Over the byte limit: drop everything queued and resume at the next keyframe.
      bool over = media_bytes_ + p->size() > limits::kPublishQueueBytes;
      if ((away && h.keyframe) || over) {
        dropped_.fetch_add(media_.size());
        media_.clear();
        media_bytes_ = 0;
        if (over && !h.keyframe) {
          wait_keyframe_ = true;
          dropped_.fetch_add(1);
          return;
        }
      }
      media_bytes_ += p->size();
      media_.push_back(Media{h, p});
    }
  }
  if (connected_ && context_) lws_cancel_service(context_);
}

void RelayPublisher::send_text(std::string json) {
  constexpr size_t kMaxQueuedText = 256;  // state/acks; older state is superseded anyway
  {
    std::lock_guard lock(mu_);
    if (text_.size() >= kMaxQueuedText) text_.pop_front();
    text_.push_back(std::move(json));
  }
  if (connected_ && context_) lws_cancel_service(context_);
}

size_t RelayPublisher::queued_fragments() const {
  std::lock_guard lock(mu_);
  return media_.size();
}

size_t RelayPublisher::queued_bytes() const {
  std::lock_guard lock(mu_);
  return media_bytes_;
}

}  // namespace hallcast::streamer
