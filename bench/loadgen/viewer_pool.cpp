#include "viewer_pool.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>

#include "hallcast/common/media_frame.hpp"

namespace hallcast::bench {
namespace {

constexpr size_t kReadChunk = 256 * 1024;
constexpr int kMaxEvents = 512;
constexpr uint64_t kSlowTickUs = 2000;      // slow viewers' budget is refilled this often
constexpr double kSlowResumeBytes = 16384;  // resume reading once this much budget built up
constexpr std::string_view kCaptionMark = "bench-t=";

// The send time a bench caption carries in its text ("... bench-t=<µs> ..."), or 0.
uint64_t caption_send_time(const std::string& json) {
  if (json.find("\"caption\"") == std::string::npos) return 0;
  size_t at = json.find(kCaptionMark);
  if (at == std::string::npos) return 0;
  const char* b = json.data() + at + kCaptionMark.size();
  uint64_t t = 0;
  auto r = std::from_chars(b, json.data() + json.size(), t);
  return r.ec == std::errc() ? t : 0;
}

}  // namespace

ViewerPool::ViewerPool(PoolOptions opts, MeasureWindow& window)
    : opts_(std::move(opts)), window_(window), rbuf_(kReadChunk) {
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
  request_ = make_upgrade_request(opts_.host + ":" + std::to_string(opts_.port), opts_.path,
                                  opts_.subprotocol, "");
}

ViewerPool::~ViewerPool() {
  close_all();
  if (epfd_ >= 0) ::close(epfd_);
}

std::vector<size_t> ViewerPool::add(size_t n, size_t slow_every) {
  std::vector<size_t> added;
  for (size_t i = 0; i < n; ++i) {
    auto v = std::make_unique<Viewer>();
    v->slow = slow_every > 0 && (i % slow_every) == slow_every - 1;
    if (v->slow) slow_.push_back(v.get());
    added.push_back(viewers_.size());
    pending_.push_back(viewers_.size());
    viewers_.push_back(std::move(v));
  }
  return added;
}

void ViewerPool::close(size_t index) {
  Viewer& v = *viewers_[index];
  if (v.fd >= 0) {
    ::close(v.fd);  // also removes it from the epoll set
    v.fd = -1;
  }
  if (v.state == ViewerState::Connecting || v.state == ViewerState::Upgrading) --inflight_;
  v.state = ViewerState::Closed;
  v.throttled = false;
}

void ViewerPool::close_all() {
  pending_.clear();
  for (size_t i = 0; i < viewers_.size(); ++i) close(i);
  throttled_.clear();
  connecting_.clear();
}

void ViewerPool::fail(Viewer& v, std::string why) {
  if (v.state == ViewerState::Closed) return;
  if (v.state == ViewerState::Open)
    v.dropped = true;
  else
    v.failed = true;
  v.why = std::move(why);
  if (v.fd >= 0) {
    ::close(v.fd);
    v.fd = -1;
  }
  if (v.state == ViewerState::Connecting || v.state == ViewerState::Upgrading) --inflight_;
  v.state = ViewerState::Closed;
}

void ViewerPool::set_interest(Viewer& v, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = &v;
  epoll_ctl(epfd_, EPOLL_CTL_MOD, v.fd, &ev);
}

void ViewerPool::start_connects(uint64_t now) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(opts_.port));
  inet_pton(AF_INET, opts_.host.c_str(), &addr.sin_addr);
  while (!pending_.empty() && inflight_ < static_cast<size_t>(opts_.max_inflight)) {
    size_t idx = pending_.front();
    pending_.pop_front();
    Viewer& v = *viewers_[idx];
    v.started_us = now;
    v.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (v.fd < 0) {
      v.state = ViewerState::Connecting;
      ++inflight_;
      fail(v, std::string("socket: ") + std::strerror(errno));
      continue;
    }
    int one = 1;
    setsockopt(v.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (v.slow)
      setsockopt(v.fd, SOL_SOCKET, SO_RCVBUF, &opts_.slow_rcvbuf, sizeof opts_.slow_rcvbuf);
    v.state = ViewerState::Connecting;
    ++inflight_;
    connecting_.push_back(idx);
    int rc = connect(v.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    if (rc < 0 && errno != EINPROGRESS) {
      fail(v, std::string("connect: ") + std::strerror(errno));
      continue;
    }
    epoll_event ev{};
    ev.events = EPOLLOUT;
    ev.data.ptr = &v;
    epoll_ctl(epfd_, EPOLL_CTL_ADD, v.fd, &ev);
  }
}

void ViewerPool::expire_upgrades(uint64_t now) {
  auto still = [&](size_t idx) {
    Viewer& v = *viewers_[idx];
    if (v.state != ViewerState::Connecting && v.state != ViewerState::Upgrading) return false;
    if (now - v.started_us > opts_.upgrade_timeout_us) {
      fail(v, "upgrade timed out");
      return false;
    }
    return true;
  };
  connecting_.erase(
      std::remove_if(connecting_.begin(), connecting_.end(), [&](size_t i) { return !still(i); }),
      connecting_.end());
}

void ViewerPool::pump_once(uint64_t deadline_us) {
  uint64_t now = media::wall_clock_us();
  start_connects(now);
  int timeout_ms = static_cast<int>(std::min<uint64_t>((deadline_us - now) / 1000 + 1, 50));
  if (!throttled_.empty()) timeout_ms = std::min(timeout_ms, static_cast<int>(kSlowTickUs / 1000));
  epoll_event events[kMaxEvents];
  int n = epoll_wait(epfd_, events, kMaxEvents, timeout_ms);
  now = media::wall_clock_us();
  for (int i = 0; i < n; ++i)
    on_event(*static_cast<Viewer*>(events[i].data.ptr), events[i].events, now);
  refill_slow(now);
  if (!connecting_.empty()) expire_upgrades(now);
}

void ViewerPool::on_event(Viewer& v, uint32_t events, uint64_t now) {
  if (v.state == ViewerState::Closed) return;
  if (v.state == ViewerState::Connecting) {
    on_writable(v, now);
    return;
  }
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(v, now);
}

void ViewerPool::on_writable(Viewer& v, uint64_t) {
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(v.fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    fail(v, std::string("connect: ") + std::strerror(err));
    return;
  }
  ssize_t w = ::write(v.fd, request_.data(), request_.size());
  if (w != static_cast<ssize_t>(request_.size())) {
    fail(v, "could not send the upgrade request");
    return;
  }
  v.state = ViewerState::Upgrading;
  set_interest(v, EPOLLIN);
}

void ViewerPool::on_readable(Viewer& v, uint64_t now) {
  size_t want = rbuf_.size();
  bool limited = v.slow && v.state == ViewerState::Open;
  if (limited) want = std::min(want, static_cast<size_t>(std::max(v.tokens, 0.0)));
  if (want == 0) {
    throttle(v);
    return;
  }
  // The bulk of every fragment is discarded in the kernel (MSG_TRUNC: no copy to user space),
  // so the load generator's CPU goes to the servers' side of the comparison, not to memcpy.
  uint64_t skip = v.state == ViewerState::Open ? v.parser.skippable() : 0;
  bool discard = skip > 0;
  if (discard) want = static_cast<size_t>(std::min<uint64_t>(want, skip));
  ssize_t r = ::recv(v.fd, rbuf_.data(), want, discard ? MSG_TRUNC : 0);
  if (r == 0) {
    fail(v, "closed by the server");
    return;
  }
  if (r < 0) {
    if (errno != EAGAIN && errno != EINTR) fail(v, std::string("read: ") + std::strerror(errno));
    return;
  }
  v.bytes += static_cast<uint64_t>(r);
  if (window_.receiving(now)) window_.bytes_in += static_cast<uint64_t>(r);
  if (limited) {
    v.tokens -= static_cast<double>(r);
    if (v.tokens < 1) throttle(v);
  }
  if (discard)
    v.parser.skip(static_cast<uint64_t>(r), [&](const WsMessage& m) { on_message(v, m, now); });
  else
    on_bytes(v, rbuf_.data(), static_cast<size_t>(r), now);
}

void ViewerPool::on_bytes(Viewer& v, const uint8_t* p, size_t n, uint64_t now) {
  if (v.state == ViewerState::Upgrading) {
    v.upgrade_buf.append(reinterpret_cast<const char*>(p), n);
    UpgradeAnswer a = parse_upgrade_answer(v.upgrade_buf, opts_.subprotocol);
    if (a.status == UpgradeAnswer::Incomplete) {
      if (v.upgrade_buf.size() > 16384) fail(v, "oversized upgrade answer");
      return;
    }
    if (a.status == UpgradeAnswer::Refused) {
      fail(v, "refused: " + a.detail);
      return;
    }
    v.state = ViewerState::Open;
    v.open_us = now;
    --inflight_;
    if (v.slow) v.tokens = kSlowResumeBytes;
    std::string rest = v.upgrade_buf.substr(a.header_bytes);
    v.upgrade_buf.clear();
    v.upgrade_buf.shrink_to_fit();
    if (!rest.empty()) on_bytes(v, reinterpret_cast<const uint8_t*>(rest.data()), rest.size(), now);
    return;
  }
  bool ok = v.parser.feed(p, n, [&](const WsMessage& m) { on_message(v, m, now); });
  if (!ok) fail(v, "WebSocket protocol error");
}

void ViewerPool::on_message(Viewer& v, const WsMessage& m, uint64_t now) {
  switch (m.opcode) {
    case kBinary:
      on_media(v, m, now);
      break;
    case kText:
      if (uint64_t sent = caption_send_time(m.text); sent >= v.open_us && window_.receiving(now))
        window_.caption(v.slow, sent, now);
      break;
    case kPing: {
      std::vector<uint8_t> pong;
      append_client_frame(pong, kPong,
                          {reinterpret_cast<const uint8_t*>(m.text.data()), m.text.size()},
                          0x5a5a5a5a);
      if (::write(v.fd, pong.data(), pong.size()) < 0) fail(v, "could not answer a ping");
      break;
    }
    case kClose:
      fail(v, "close frame from the server");
      break;
    default:
      break;
  }
}

void ViewerPool::on_media(Viewer& v, const WsMessage& m, uint64_t now) {
  auto h = media::decode_header({m.head.data(), m.head_len});
  if (!h) return;
  if (h->kind == media::FrameKind::Init) {
    v.saw_init = true;
    v.have_seq = false;
    return;
  }
  if (v.saw_init && !v.saw_fragment) {
    v.saw_fragment = true;
    v.join_order_ok = h->keyframe;
    if (h->keyframe) v.decodable_us = now;
  }
  if (v.have_seq && h->sequence != v.last_seq + 1) ++v.seq_gaps;
  v.last_seq = h->sequence;
  v.have_seq = true;
  // Lag: every live fragment received while the window is open (the GOP sent at join is not
  // live). Delivery: fragments captured inside the window, whenever they arrive.
  if (window_.receiving(now) && h->capture_time_us >= v.open_us)
    window_.media_lag_of(v.slow).add(static_cast<int64_t>(now - h->capture_time_us));
  if (window_.covers(h->capture_time_us)) {
    window_.sent(h->sequence);
    ++v.window_msgs;
  }
}

void ViewerPool::throttle(Viewer& v) {
  if (v.throttled) return;
  v.throttled = true;
  set_interest(v, 0);
  throttled_.push_back(&v);
}

void ViewerPool::reset_window_counts() {
  for (auto& v : viewers_) v->window_msgs = 0;
}

void ViewerPool::refill_slow(uint64_t now) {
  uint64_t elapsed = now - last_refill_us_;
  if (elapsed < kSlowTickUs) return;
  last_refill_us_ = now;
  if (elapsed > 100'000) elapsed = 100'000;  // first call, or a stall: no burst
  double add = opts_.slow_bytes_per_s * static_cast<double>(elapsed) / 1e6;
  for (Viewer* v : slow_) {
    if (v->state == ViewerState::Open)
      v->tokens = std::min(v->tokens + add, static_cast<double>(kReadChunk));
  }
  auto resume = [&](Viewer* v) {
    if (v->state != ViewerState::Open) return true;
    if (v->tokens < kSlowResumeBytes) return false;
    v->throttled = false;
    set_interest(*v, EPOLLIN);
    return true;
  };
  throttled_.erase(std::remove_if(throttled_.begin(), throttled_.end(), resume), throttled_.end());
}

}  // namespace hallcast::bench
