// Many WebSocket viewers in one process on one epoll loop. Owned by the thread that calls
// pump(); nothing else touches it. Each viewer connects, upgrades to hallcast.live.v1, reads
// everything, answers pings, and feeds what it receives into a MeasureWindow.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "../common/ws_wire.hpp"
#include "hallcast/common/media_frame.hpp"
#include "measure_window.hpp"

namespace hallcast::bench {

struct PoolOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string path = "/";
  std::string subprotocol = "hallcast.live.v1";
  double slow_bytes_per_s = 0;  // read budget of a slow viewer
  int slow_rcvbuf =
      64 * 1024;           // small socket buffer so a slow viewer's backlog shows at the server
  int max_inflight = 200;  // handshakes in progress at once (listen backlogs are finite)
  uint64_t upgrade_timeout_us = 10'000'000;
};

enum class ViewerState { Pending, Connecting, Upgrading, Open, Closed };

// One connection. Owned by the pool's thread.
struct Viewer {
  int fd = -1;
  ViewerState state = ViewerState::Pending;
  bool slow = false;
  bool failed = false;        // never reached Open
  bool dropped = false;       // closed after Open (by the server or an error)
  std::string why;            // failure / close reason
  uint64_t started_us = 0;    // connect() called
  uint64_t open_us = 0;       // upgrade accepted
  uint64_t decodable_us = 0;  // init + keyframe fragment received
  bool saw_init = false;
  bool saw_fragment = false;
  bool join_order_ok = true;  // first fragment after the init segment was a keyframe
  uint32_t last_seq = 0;
  bool have_seq = false;
  uint64_t seq_gaps = 0;
  uint64_t window_msgs = 0;  // fragments captured inside the current window
  uint64_t bytes = 0;
  double tokens = 0;  // slow viewers: bytes they may read now
  bool throttled = false;
  std::string upgrade_buf;
  FrameParser parser;
};

class ViewerPool {
 public:
  ViewerPool(PoolOptions opts, MeasureWindow& window);
  ~ViewerPool();
  ViewerPool(const ViewerPool&) = delete;
  ViewerPool& operator=(const ViewerPool&) = delete;

  // Queues n new viewers (every slow_every-th one slow; 0 = none) and returns their indices.
  std::vector<size_t> add(size_t n, size_t slow_every = 0);
  // Runs the loop until deadline_us (wall clock), or until done() returns true.
  template <class Done>
  void pump_until(uint64_t deadline_us, Done&& done);
  void pump_until(uint64_t deadline_us) {
    pump_until(deadline_us, [] { return false; });
  }
  // True when no viewer is Pending / Connecting / Upgrading.
  bool settled() const { return pending_.empty() && inflight_ == 0; }
  void close(size_t index);
  void close_all();
  void reset_window_counts();

  const Viewer& viewer(size_t i) const { return *viewers_[i]; }
  size_t size() const { return viewers_.size(); }

 private:
  void pump_once(uint64_t deadline_us);
  void start_connects(uint64_t now);
  void on_event(Viewer& v, uint32_t events, uint64_t now);
  void on_writable(Viewer& v, uint64_t now);
  void on_readable(Viewer& v, uint64_t now);
  void on_bytes(Viewer& v, const uint8_t* p, size_t n, uint64_t now);
  void on_message(Viewer& v, const WsMessage& m, uint64_t now);
  void on_media(Viewer& v, const WsMessage& m, uint64_t now);
  void refill_slow(uint64_t now);
  void throttle(Viewer& v);
  void expire_upgrades(uint64_t now);
  void fail(Viewer& v, std::string why);
  void set_interest(Viewer& v, uint32_t events);

  PoolOptions opts_;
  MeasureWindow& window_;
  int epfd_ = -1;
  std::vector<std::unique_ptr<Viewer>> viewers_;
  std::deque<size_t> pending_;
  std::vector<size_t> connecting_;  // indices in Connecting/Upgrading (for timeouts)
  std::vector<Viewer*> throttled_;
  std::vector<Viewer*> slow_;
  size_t inflight_ = 0;
  uint64_t last_refill_us_ = 0;
  std::string request_;
  std::vector<uint8_t> rbuf_;
};

template <class Done>
void ViewerPool::pump_until(uint64_t deadline_us, Done&& done) {
  while (!done()) {
    uint64_t now = media::wall_clock_us();
    if (now >= deadline_us) return;
    pump_once(deadline_us);
  }
}

}  // namespace hallcast::bench
