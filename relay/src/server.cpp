// RelayServer: builds the lws context (one port, HTTP + three channels), runs the service loop on
// the calling thread, and stops cleanly on SIGTERM/SIGINT.
#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <stdexcept>

#include "hallcast/common/logging.hpp"
#include "hallcast/common/notify.hpp"
#include "hallcast/relay/relay_limits.hpp"
#include "hallcast/relay/static_files.hpp"
#include "server_impl.hpp"

namespace hallcast::relay {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<lws_context*> g_context{nullptr};

void on_signal(int) {
  g_stop = true;
  if (lws_context* c = g_context.load()) lws_cancel_service(c);  // write() to a pipe: signal-safe
}

void lws_log(int level, const char* line) {
  std::string_view l(line);
  while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.remove_suffix(1);
  auto log = logging::get("lws");
  if (level & LLL_ERR)
    log->error("{}", l);
  else if (level & LLL_WARN)
    log->warn("{}", l);
  else if (level & LLL_NOTICE)
    log->info("{}", l);
  else
    log->debug("{}", l);
}

std::pair<std::string, int> split_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    throw std::invalid_argument("--listen must be HOST:PORT: " + listen);
  std::string host = listen.substr(0, colon);
  int port = 0;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535)
    throw std::invalid_argument("bad port in listen address: " + listen);
  if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
  return {host, port};
}

// Raises the soft RLIMIT_NOFILE to the hard limit and returns the soft limit now in force.
// libwebsockets sizes its fd table from this limit; passing it a smaller fd_limit_per_thread
// instead makes every fd lookup a linear scan (docs/performance.md, Findings).
rlim_t raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
  rlim_t before = rl.rlim_cur;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) rl.rlim_cur = before;
  }
  logging::get("relay")->info("open files limit {} (was {}, hard limit {})", rl.rlim_cur, before,
                              rl.rlim_max);
  return rl.rlim_cur;
}

// Connections beyond what the open files limit allows are refused by the hub like any other
// over-cap connection (1013), instead of failing in accept().
void fit_connections_to_fd_limit(Hub& hub, rlim_t fd_limit) {
  size_t wanted = static_cast<size_t>(hub.cfg().relay.max_connections);
  if (fd_limit == 0 || fd_limit == RLIM_INFINITY) return;
  size_t room = fd_limit > limits::kReservedFds ? fd_limit - limits::kReservedFds : 1;
  if (room >= wanted) return;
  logging::get("relay")->warn(
      "max_connections {} does not fit the open files limit {}: accepting at most {} "
      "(raise LimitNOFILE / ulimit -n)",
      wanted, fd_limit, room);
  hub.set_max_connections(room);
}

// The service tick: once a second, or faster when systemd's watchdog asks for it.
int64_t tick_interval_ms() {
  auto wd = notify::watchdog_interval();
  int64_t ms = limits::kTickMs;
  if (wd.count() > 0 && wd.count() < ms) ms = wd.count();
  return ms;
}

void tick(lws_sorted_usec_list_t* sul) {
  auto* impl = reinterpret_cast<TickTimer*>(sul)->impl;
  impl->hub.tick(now_ms());
  notify::watchdog();
  if (++impl->ticks % limits::kStatusEveryTicks == 1) {
    // "3 viewers; hoi-truong live 2, trien-lam off air 1": what `systemctl status` shows.
    std::string status = std::to_string(impl->hub.viewers()) + " viewers";
    const char* sep = "; ";
    for (const auto& h : impl->hub.halls()) {
      status +=
          sep + h->id + (h->ring.live() ? " live " : " off air ") + std::to_string(h->live_clients);
      sep = ", ";
    }
    notify::status(status);
  }
  lws_sul_schedule(impl->context, 0, &impl->tick.sul, tick, tick_interval_ms() * LWS_US_PER_MS);
}

}  // namespace

RelayServer::RelayServer(const config::Config& cfg, std::string listen)
    : impl_(std::make_unique<Impl>(cfg, listen.empty() ? cfg.relay.listen : std::move(listen))) {
  impl_->web_root = find_web_root(cfg);
}

RelayServer::~RelayServer() = default;

int RelayServer::run() {
  auto log = logging::get("relay");
  lws_set_log_level(LLL_ERR | LLL_WARN | (log->should_log(spdlog::level::debug) ? LLL_NOTICE : 0),
                    lws_log);
  auto [host, port] = split_listen(impl_->listen);
  const auto& rc = impl_->cfg.relay;
  fit_connections_to_fd_limit(impl_->hub, raise_fd_limit());  // before lws sizes its fd table

  // protocols[0] is what a client naming no subprotocol gets: the live channel.
  size_t media_tx = static_cast<size_t>(rc.max_media_message_bytes) + 14;
  lws_protocols protocols[] = {{"hallcast.live.v1", lws_callback, sizeof(PerSession), 4096,
                                static_cast<unsigned>(Channel::Live), nullptr, media_tx},
                               {"hallcast.control.v1", lws_callback, sizeof(PerSession),
                                static_cast<size_t>(rc.max_control_message_bytes),
                                static_cast<unsigned>(Channel::Control), nullptr, 0},
                               {"hallcast.publish.v1", lws_callback, sizeof(PerSession), 65536,
                                static_cast<unsigned>(Channel::Publish), nullptr, 0},
                               {nullptr, nullptr, 0, 0, 0, nullptr, 0}};

  lws_retry_bo_t retry{};
  retry.secs_since_valid_ping = static_cast<uint16_t>(rc.ping_interval_s);
  retry.secs_since_valid_hangup = static_cast<uint16_t>(rc.ping_interval_s * 2 + 1);

  lws_context_creation_info info{};
  info.port = port;
  info.iface = (host.empty() || host == "0.0.0.0" || host == "*") ? nullptr : host.c_str();
  info.protocols = protocols;
  info.user = impl_.get();
  info.options = LWS_SERVER_OPTION_VALIDATE_UTF8;
  info.timeout_secs = static_cast<unsigned>(rc.header_timeout_s);
  info.timeout_secs_ah_idle = static_cast<unsigned>(rc.header_timeout_s);  // headers must finish
  info.keepalive_timeout = rc.header_timeout_s;
  info.retry_and_idle_policy = &retry;
  // No info.fd_limit_per_thread: below RLIMIT_NOFILE it turns lws 4.1's O(1) fd table into a
  // linear search per event; lws takes the (raised) limit itself.
  info.vhost_name = "default";
  if (!rc.tls_cert.empty()) {
    info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    info.ssl_cert_filepath = rc.tls_cert.c_str();
    info.ssl_private_key_filepath = rc.tls_key.c_str();
  }
  // No info.extensions: permessage-deflate would compress every fragment once per viewer.

  lws_context* ctx = lws_create_context(&info);
  if (!ctx) throw std::runtime_error("cannot listen on " + impl_->listen);
  impl_->context = ctx;
  g_context = ctx;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  int bound = lws_get_vhost_listen_port(lws_get_vhost_by_name(ctx, "default"));
  std::string shown_host = host.empty() ? "0.0.0.0" : host;
  log->info("listening on {}:{} ({} halls, web root {})", shown_host, bound,
            impl_->cfg.halls.size(), impl_->web_root.string());
  std::printf("hallcast-relay listening on %s:%d\n", shown_host.c_str(), bound);
  std::fflush(stdout);
  notify::ready();
  impl_->tick.impl = impl_.get();
  lws_sul_schedule(ctx, 0, &impl_->tick.sul, tick, tick_interval_ms() * LWS_US_PER_MS);

  while (!g_stop) {
    if (lws_service(ctx, 0) < 0) break;
  }
  notify::stopping();
  log->info("stopping: closing {} connections", impl_->hub.connections());
  lws_sul_cancel(&impl_->tick.sul);
  g_context = nullptr;
  lws_context_destroy(ctx);
  impl_->context = nullptr;
  log->info("stopped");
  return 0;
}

}  // namespace hallcast::relay
