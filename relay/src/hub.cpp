#include "hub.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "hallcast/common/logging.hpp"
#include "hallcast/common/media_frame.hpp"
#include "hallcast/relay/relay_limits.hpp"

namespace hallcast::relay {

constexpr int kCloseTryAgainLater = 1013;  // RFC 6455 registry; lws 4.1 has no name for it

namespace {

// How many threads send a fragment to the viewers: the setting, or one per core (0); one with
// TLS, where every write must go through the TLS library on the service thread.
unsigned fanout_threads_for(const config::Relay& rc) {
  if (!rc.tls_cert.empty()) return 1;
  if (rc.fanout_threads > 0) return static_cast<unsigned>(rc.fanout_threads);
  return std::clamp(std::thread::hardware_concurrency(), 1u, limits::kMaxAutoFanoutThreads);
}

// Writes the server's (unmasked) WebSocket frame header for the whole payload into the buffer's
// headroom and returns its length: the same bytes lws_write() puts there for this buffer.
size_t put_frame_header(SharedBuffer& b) {
  uint8_t* p = b.payload();
  uint64_t n = b.size();
  uint8_t op = 0x80 | (b.binary() ? 0x2 : 0x1);  // FIN + opcode
  size_t len = n < 126 ? 2 : n < 65536 ? 4 : 10;
  uint8_t* h = p - len;
  h[0] = op;
  if (n < 126) {
    h[1] = static_cast<uint8_t>(n);
  } else if (n < 65536) {
    h[1] = 126;
    h[2] = static_cast<uint8_t>(n >> 8);
    h[3] = static_cast<uint8_t>(n);
  } else {
    h[1] = 127;
    for (int i = 0; i < 8; ++i) h[2 + i] = static_cast<uint8_t>(n >> (56 - 8 * i));
  }
  return len;
}

}  // namespace

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string_view to_string(Channel c) {
  switch (c) {
    case Channel::Live:
      return "live";
    case Channel::Control:
      return "control";
    case Channel::Publish:
      return "publish";
  }
  return "?";
}

Hall::Hall(const config::Config& cfg, const config::Hall& h, RingLimits limits)
    : id(h.id),
      ring(limits),
      text(cfg, h.id),
      log(std::make_unique<CaptionLog>(cfg.relay.state_dir, h.id)),
      state(Json::object()) {
  size_t n = 0;
  for (const auto& rec : log->read_all()) {
    text.replay(rec);
    ++n;
  }
  if (n)
    logging::get("relay")->info("hall {}: replayed {} caption/title records from {}", id, n,
                                log->path());
}

Hub::Hub(const config::Config& cfg)
    : cfg_(cfg),
      max_connections_(static_cast<size_t>(cfg.relay.max_connections)),
      started_ms_(now_ms()) {
  RingLimits rl{cfg.relay.viewer_backlog_ms, cfg.relay.lag_disconnect_ms,
                limits::kMaxRingFragments};
  for (const auto& h : cfg.halls) halls_.push_back(std::make_unique<Hall>(cfg, h, rl));
  pool_ = std::make_unique<FanoutPool>(fanout_threads_for(cfg.relay));
  logging::get("relay")->info("fan-out on {} thread{}{}", pool_->threads(),
                              pool_->threads() == 1 ? "" : "s",
                              cfg.relay.tls_cert.empty() ? "" : " (TLS)");
}

Hall* Hub::hall(const std::string& id) {
  for (auto& h : halls_)
    if (h->id == id) return h.get();
  return nullptr;
}

size_t Hub::connections_from(const std::string& peer) const {
  auto it = per_address_.find(peer);
  return it == per_address_.end() ? 0 : it->second;
}

size_t Hub::viewers() const {
  size_t n = 0;
  for (const auto& h : halls_) n += h->live_clients;
  return n;
}

void Hub::send_buffer(Session* s, BufferRef b) {
  if (s->close_code) return;  // nothing more after the reason for closing
  if (s->text_out.size() >= limits::kMaxTextBacklog) {
    ++metrics_.lag_disconnects;
    if (Hall* h = hall(s->hall)) ++h->metrics.lag_disconnects;
    logging::get("relay")->warn("{} client {} cut: {} text events unread", to_string(s->channel),
                                s->peer, s->text_out.size());
    kill(s);
    return;
  }
  s->text_out.push_back(std::move(b));
  lws_callback_on_writable(s->wsi);
}

void Hub::send(Session* s, const Json& msg) {
  send_buffer(s, make_text(LWS_PRE, msg.dump()));
}

void Hub::broadcast(Hall& h, const Json& msg, bool to_streamer) {
  BufferRef b = make_text(LWS_PRE, msg.dump());  // one buffer for everyone
  for (auto* s : h.clients) send_buffer(s, b);
  if (to_streamer && h.publisher) send_buffer(h.publisher, b);
}

// Queued text (sent before this call) still goes out, then the close frame.
void Hub::close_with(Session* s, int code, const std::string& reason) {
  if (s->close_code) return;
  s->close_code = code;
  s->close_reason = reason;
  lws_callback_on_writable(s->wsi);
}

void Hub::kill(Session* s) {
  s->close_code = LWS_CLOSE_STATUS_POLICY_VIOLATION;
  lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

void Hub::open(Session* s, const std::string& bearer) {
  s->serial = next_serial_++;
  by_serial_[s->serial] = s;
  ++total_;
  ++per_address_[s->peer];
  s->counted = true;
  auto& cfg_relay = cfg_.relay;
  if (total_ > max_connections_ ||
      per_address_[s->peer] > static_cast<size_t>(cfg_relay.max_connections_per_address)) {
    ++metrics_.rejected_connections;
    logging::get("relay")->warn("connection from {} refused: over the connection cap", s->peer);
    close_with(s, kCloseTryAgainLater, "too many connections");
    return;
  }
  Hall* h = hall(s->hall);
  if (!bearer.empty()) {
    authenticate(s, bearer, Json::object());
  } else if (s->channel == Channel::Live && cfg_relay.viewer_token_required) {
    // waits for {"type":"auth"} before joining
  } else if (s->channel != Channel::Publish) {
    if (s->channel == Channel::Live) s->role = Role::Viewer;
    join(s, *h);
  }
  logging::get("relay")->info(
      "{} client {} connected to hall {}{}", to_string(s->channel), s->peer, s->hall,
      s->role != Role::None ? " as " + std::string(to_string(s->role)) : "");
}

void Hub::leave(Session* s) {
  Hall* h = s->joined;
  s->joined = nullptr;
  if (h && s->timed_seq) h->metrics.fanout.dropped(s->timed_seq);
  s->timed_seq = 0;
  if (!h || !h->clients.erase(s) || s->channel != Channel::Live) return;
  --h->live_clients;
  Session* last = h->live_sessions.back();  // swap-remove: order does not matter
  h->live_sessions[s->live_index] = last;
  last->live_index = s->live_index;
  h->live_sessions.pop_back();
}

void Hub::join(Session* s, Hall& h) {
  leave(s);
  s->hall = h.id;
  s->cursor = ViewerCursor{};
  if (h.clients.insert(s).second && s->channel == Channel::Live) {
    ++h.live_clients;
    s->live_index = h.live_sessions.size();
    h.live_sessions.push_back(s);
  }
  s->joined = &h;
  send(s, hello(s));
  if (s->channel == Channel::Live) lws_callback_on_writable(s->wsi);
}

void Hub::close(Session* s) {
  lws_sul_cancel(&s->auth_timer.sul);
  leave(s);
  if (Hall* h = hall(s->hall); h && h->publisher == s) detach_publisher(s);
  if (s->counted) {
    --total_;
    if (--per_address_[s->peer] == 0) per_address_.erase(s->peer);
  }
  by_serial_.erase(s->serial);
  logging::get("relay")->info("{} client {} left hall {}", to_string(s->channel), s->peer, s->hall);
}

// What a session sends next: queued text first (it jumps the video queue), then media if it
// is a live client in its hall. Null when there is nothing; sets `disconnect` when the viewer
// has been behind past the lag limit.
BufferRef Hub::next_message(Session* s, int64_t now, bool& disconnect) {
  if (!s->text_out.empty()) {
    BufferRef b = std::move(s->text_out.front());
    s->text_out.pop_front();
    return b;
  }
  Hall* h = s->joined;
  if (s->channel != Channel::Live || s->close_code || !h) return nullptr;
  Next next = h->ring.next(s->cursor, now);
  if (next.kind == NextKind::Disconnect) {
    ++metrics_.lag_disconnects;
    ++h->metrics.lag_disconnects;
    logging::get("relay")->warn("viewer {} disconnected: behind for over {} ms", s->peer,
                                cfg_.relay.lag_disconnect_ms);
    disconnect = true;
  }
  return std::move(next.buffer);
}

bool Hub::has_more(const Session* s) const {
  return !s->text_out.empty() || s->close_code ||
         (s->channel == Channel::Live && s->joined && !s->joined->ring.caught_up(s->cursor));
}

int Hub::write(Session* s) {
  // Closing: the queued text (e.g. the error saying why) goes first, then the close frame.
  if (s->close_code && s->text_out.empty()) {
    lws_close_reason(s->wsi, static_cast<lws_close_status>(s->close_code),
                     reinterpret_cast<unsigned char*>(s->close_reason.data()),
                     s->close_reason.size());
    return -1;
  }
  int64_t now = now_ms();
  const ViewerCursor before = s->cursor;
  bool disconnect = false;
  // As many messages as the socket takes, without asking the kernel (lws_send_pipe_choked is a
  // poll() per call): when a write does not fit, lws keeps the rest (lws_partial_buffered),
  // sends it when the socket drains and only then calls SERVER_WRITEABLE again.
  for (int n = 0; n < limits::kMaxWritesPerWakeup; ++n) {
    BufferRef b = next_message(s, now, disconnect);
    if (disconnect) {
      static const char reason[] = "too slow";
      lws_close_reason(s->wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION,
                       reinterpret_cast<unsigned char*>(const_cast<char*>(reason)),
                       sizeof reason - 1);
      return -1;
    }
    if (!b) break;
    auto protocol = b->binary() ? LWS_WRITE_BINARY : LWS_WRITE_TEXT;
    int m = lws_write(s->wsi, b->payload(), b->size(), protocol);
    if (m < static_cast<int>(b->size())) return -1;
    metrics_.bytes_out += b->size();
    ++metrics_.messages_out;
    if (b->binary() && s->joined) fanout_progress(s, *s->joined, steady_ns());
    if (lws_partial_buffered(s->wsi)) break;
  }
  metrics_.skips += s->cursor.skips - before.skips;
  metrics_.skipped_fragments += s->cursor.skipped_fragments - before.skipped_fragments;
  if (has_more(s)) lws_callback_on_writable(s->wsi);
  return 0;
}

// After a write from the ring (init or fragment): whether that was the fragment whose fan-out
// waits for this viewer, or the viewer went past it (skipped).
void Hub::fanout_progress(Session* s, Hall& h, int64_t at_ns) {
  if (!s->timed_seq || s->cursor.next_seq <= s->timed_seq) return;
  if (s->cursor.next_seq == s->timed_seq + 1)
    h.metrics.fanout.handed(s->timed_seq, at_ns);
  else
    h.metrics.fanout.dropped(s->timed_seq);
  s->timed_seq = 0;
}

void Hub::wake_viewers(Hall& h, uint64_t fresh_seq) {
  int64_t now = now_ms();
  FanoutTimer& fanout = h.metrics.fanout;
  // A fresh fragment to many viewers: their sends are spread over the pool's threads.
  const bool parallel =
      fresh_seq && pool_->threads() > 1 && h.live_sessions.size() >= limits::kMinParallelFanout;
  jobs_.clear();
  for (auto* s : h.live_sessions) {
    if (h.ring.lagging_out(s->cursor, now)) {
      if (s->close_code) continue;
      ++metrics_.lag_disconnects;
      ++h.metrics.lag_disconnects;
      logging::get("relay")->warn("viewer {} disconnected: behind for over {} ms", s->peer,
                                  cfg_.relay.lag_disconnect_ms);
      kill(s);
      continue;
    }
    if (fresh_seq && !s->close_code && h.ring.only_newest_pending(s->cursor)) {
      if (s->timed_seq) fanout.dropped(s->timed_seq);  // not expected: it had all before
      s->timed_seq = fresh_seq;
      fanout.target(fresh_seq);
    }
    if (parallel && s->raw_fd >= 0 && queue_newest(s, h, now)) continue;
    if (!send_newest_now(s, h, now)) lws_callback_on_writable(s->wsi);
  }
  if (!jobs_.empty()) send_queued(h);
  if (fresh_seq) fanout.targets_known(fresh_seq);
}

// The common case at the live edge: the viewer lacks only the fragment that just arrived, has no
// text queued and lws holds nothing unsent for it. Writing it here, on the service thread, saves
// the POLLOUT round trip per viewer per fragment (two pollfd changes, a poll() over every
// connection, a callback). When the socket does not take it all, lws keeps the rest and asks for
// POLLOUT itself. HTTP/2 streams (a network wsi of their own) always wait for WRITEABLE.
bool Hub::take_newest(Session* s, Hall& h, int64_t now, Next& next) {
  if (s->close_code || !s->text_out.empty() || s->joined != &h ||
      !h.ring.only_newest_pending(s->cursor) || lws_partial_buffered(s->wsi))
    return false;
  const ViewerCursor before = s->cursor;
  next = h.ring.next(s->cursor, now);
  metrics_.skips += s->cursor.skips - before.skips;
  metrics_.skipped_fragments += s->cursor.skipped_fragments - before.skipped_fragments;
  return true;
}

bool Hub::send_newest_now(Session* s, Hall& h, int64_t now) {
  Next next;
  if (lws_get_network_wsi(s->wsi) != s->wsi || !take_newest(s, h, now, next)) return false;
  if (next.kind != NextKind::Send) return next.kind == NextKind::Nothing;
  const BufferRef& b = next.buffer;
  int m =
      lws_write(s->wsi, b->payload(), b->size(), b->binary() ? LWS_WRITE_BINARY : LWS_WRITE_TEXT);
  if (m < static_cast<int>(b->size())) {
    kill(s);  // the socket failed: close it from the service loop
    return true;
  }
  metrics_.bytes_out += b->size();
  ++metrics_.messages_out;
  fanout_progress(s, h, steady_ns());
  return true;
}

// send_newest_now's checks, but the write is queued for send_queued(). Only for sessions on a
// plain TCP socket (Session::raw_fd).
bool Hub::queue_newest(Session* s, Hall& h, int64_t now) {
  Next next;
  if (!take_newest(s, h, now, next)) return false;
  if (next.kind != NextKind::Send) return next.kind == NextKind::Nothing;
  // The ring keeps the buffer alive until send_queued() is done (nothing is pushed meanwhile).
  SharedBuffer& b = *next.buffer;
  size_t header = put_frame_header(b);
  FanoutJob j;
  j.session = s;
  j.fd = s->raw_fd;
  j.data = b.payload() - header;
  j.len = header + b.size();
  j.payload_len = b.size();
  jobs_.push_back(j);
  return true;
}

// The queued live-edge writes go out on the pool's threads (raw send() of the whole frame; no
// lws call off this thread). Back here, with lws idle all along: what the socket did not take is
// handed to lws, which sends it before anything else on that connection (its own pings and
// closes included) and calls WRITEABLE only once it is flushed; a socket error closes the
// connection.
void Hub::send_queued(Hall& h) {
  pool_->run(jobs_);
  ++metrics_.parallel_fanouts;
  for (auto& j : jobs_) {
    Session* s = j.session;
    int64_t at_ns = j.done_ns;
    if (j.sent < 0) {
      kill(s);  // the socket failed: close it from the service loop
      continue;
    }
    auto sent = static_cast<size_t>(j.sent);
    if (sent < j.len) {
      // The rest of the frame (header included when none went out) as raw bytes: lws adds
      // no framing to LWS_WRITE_RAW, it sends what fits and buffers the rest.
      auto* rest = const_cast<uint8_t*>(j.data + sent);
      size_t n = j.len - sent;
      int m = lws_write(s->wsi, rest, n, LWS_WRITE_RAW);
      if (m < static_cast<int>(n)) {
        kill(s);
        continue;
      }
      ++metrics_.parallel_partial_writes;
      if (sent == 0) at_ns = steady_ns();
    }
    metrics_.bytes_out += j.payload_len;
    ++metrics_.messages_out;
    fanout_progress(s, h, at_ns);
  }
  jobs_.clear();
}

void Hub::media_in(Session* s, Hall& h, std::vector<uint8_t>&& frame, int64_t arrived_ns) {
  auto hdr = media::decode_header(frame);
  if (!hdr || frame.size() <= media::kFrameHeaderSize) {
    ++metrics_.protocol_errors;
    send(s, make_error(Json::object(), "bad_frame",
                       "binary frame without a valid 24-byte media header"));
    return;
  }
  metrics_.bytes_in += frame.size();
  BufferRef b = make_binary(LWS_PRE, frame);
  int64_t now = now_ms();
  if (hdr->kind == media::FrameKind::Init) {
    bool was_live = h.ring.live();
    h.ring.set_init(std::move(b), now);
    h.metrics.fanout.reset();
    logging::get("relay")->info("hall {}: init segment ({} bytes){}", h.id, frame.size(),
                                was_live ? ", stream restarted" : ", stream live");
    broadcast(h, state_event(h), false);
  } else {
    ++metrics_.fragments_in;
    if (!h.ring.push(std::move(b), hdr->keyframe, now)) return;  // before init/keyframe
    h.metrics.fanout.begin(h.ring.newest_seq(), arrived_ns);
    wake_viewers(h, h.ring.newest_seq());
    return;
  }
  wake_viewers(h);
}

void Hub::on_binary(Session* s, std::vector<uint8_t>&& frame) {
  const int64_t arrived_ns = steady_ns();  // the whole message is in
  Hall* h = hall(s->hall);
  if (s->channel != Channel::Publish || !s->attached || !h || h->publisher != s) {
    ++metrics_.protocol_errors;
    send(s,
         make_error(Json::object(), s->channel == Channel::Publish ? "unauthorized" : "bad_request",
                    "binary frames are only accepted from an authenticated publisher"));
    if (s->channel == Channel::Publish)
      close_with(s, LWS_CLOSE_STATUS_POLICY_VIOLATION, "unauthorized");
    return;
  }
  media_in(s, *h, std::move(frame), arrived_ns);
}

void Hub::tick(int64_t now) {
  (void)now;
  size_t total = viewers();
  for (auto& h : halls_) {
    size_t n = h->live_clients;
    if (n != h->viewers_announced) {
      h->viewers_announced = n;
      broadcast(*h, Json{{"type", "viewers"}, {"hall", h->id}, {"count", n}, {"total", total}},
                false);
    }
    if (h->ring.live()) wake_viewers(*h);  // lag checks for viewers that never become writeable
  }
}

}  // namespace hallcast::relay
