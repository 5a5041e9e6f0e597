// The relay's state: halls (media ring, captions/titles, streamer, clients), connection counts
// and metrics; what each WebSocket event does. Owned by the service thread; lws calls only. The
// one exception is FanoutPool::run() in the parallel fan-out, whose helper threads send() bytes
// prepared here on viewers' sockets while this thread is inside run() (fanout_pool.hpp).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "fanout_pool.hpp"
#include "hall_metrics.hpp"
#include "hallcast/common/config.hpp"
#include "hallcast/relay/caption_log.hpp"
#include "hallcast/relay/fragment_ring.hpp"
#include "hallcast/relay/hall_text.hpp"
#include "session.hpp"

namespace hallcast::relay {

struct Metrics {
  uint64_t bytes_out = 0, messages_out = 0, fragments_in = 0, bytes_in = 0;
  uint64_t skips = 0, skipped_fragments = 0, lag_disconnects = 0;
  uint64_t auth_failures = 0, rejected_connections = 0, protocol_errors = 0;
  uint64_t captions = 0, commands = 0;
  // Fragments sent by the parallel fan-out, and its sends the socket did not take whole (part or
  // none of the frame; the rest went to lws's buffer).
  uint64_t parallel_fanouts = 0, parallel_partial_writes = 0;
};

struct Hall {
  explicit Hall(const config::Config& cfg, const config::Hall& h, RingLimits limits);
  std::string id;
  FragmentRing ring;
  HallText text;
  std::unique_ptr<CaptionLog> log;
  Session* publisher = nullptr;
  Json state;                  // the last state from the streamer (program, layout, sources...)
  std::set<Session*> clients;  // live and control sessions on this hall
  size_t live_clients = 0;     // how many of them are on the live channel
  // The live-channel clients again, as a flat array for the per-fragment wake-up (iterating the
  // set costs a pointer chase per viewer); Session::live_index is each one's position.
  std::vector<Session*> live_sessions;
  size_t viewers_announced = SIZE_MAX;
  HallMetrics metrics;  // per-hall /metrics (hall_metrics.hpp)
};

struct PendingCommand {
  uint64_t origin_serial;
  Json original_id;  // the operator's id (or null)
  std::string type;
  std::string hall;  // the hall whose streamer got it
};

class Hub {
 public:
  explicit Hub(const config::Config& cfg);

  const config::Config& cfg() const { return cfg_; }
  Hall* hall(const std::string& id);
  const std::vector<std::unique_ptr<Hall>>& halls() const { return halls_; }
  Metrics& metrics() { return metrics_; }
  size_t connections() const { return total_; }
  // The connection cap the hub enforces: [relay] max_connections, lowered at start when the
  // open files limit is smaller (server.cpp).
  size_t max_connections() const { return max_connections_; }
  void set_max_connections(size_t n) { max_connections_ = n; }
  size_t connections_from(const std::string& peer) const;
  size_t viewers() const;
  int64_t started_ms() const { return started_ms_; }
  unsigned fanout_threads() const { return pool_->threads(); }

  // Session lifecycle (ESTABLISHED / CLOSED)
  void open(Session* s, const std::string& bearer);
  void close(Session* s);
  void on_text(Session* s, std::string_view text);
  void on_binary(Session* s, std::vector<uint8_t>&& frame);
  // Called on SERVER_WRITEABLE; returns -1 to close the connection.
  int write(Session* s);
  void tick(int64_t now_ms);         // once a second: viewers counts, lag checks
  void auth_failed_now(Session* s);  // the delayed auth failure fires

  Json state_event(const Hall& h) const;
  Json hello(const Session* s) const;
  Json api_state() const;
  Json hall_health(const Hall& h) const;  // /api/state: program health, stats, captions

 private:
  void send(Session* s, const Json& msg);
  void send_buffer(Session* s, BufferRef b);
  void broadcast(Hall& h, const Json& msg, bool to_streamer);
  void close_with(Session* s, int code, const std::string& reason);
  void kill(Session* s);
  void authenticate(Session* s, const std::string& token, const Json& cmd);
  void attach_publisher(Session* s);
  void detach_publisher(Session* s);
  void on_control(Session* s, const Json& cmd);
  void on_publisher_text(Session* s, const Json& msg);
  void on_live_text(Session* s, const Json& msg);
  void text_command(Session* s, Hall& h, const Json& cmd);
  void forward_command(Session* s, Hall& h, const Json& cmd);
  void route_answer(Session* s, Json msg);
  void media_in(Session* s, Hall& h, std::vector<uint8_t>&& frame, int64_t arrived_ns);
  // Writes or schedules the viewers' media; `fresh_seq` (0 = none) is a fragment that just
  // arrived, whose fan-out is timed (hallcast_fanout_seconds).
  void wake_viewers(Hall& h, uint64_t fresh_seq = 0);
  void fanout_progress(Session* s, Hall& h, int64_t at_ns);
  // Parallel fan-out: queue the live-edge write instead of doing it (true = handled, as
  // send_newest_now), then send the queue on the pool's threads and settle the results.
  bool queue_newest(Session* s, Hall& h, int64_t now);
  void send_queued(Hall& h);
  BufferRef next_message(Session* s, int64_t now, bool& disconnect);
  bool has_more(const Session* s) const;
  bool send_newest_now(Session* s, Hall& h, int64_t now);
  // The live-edge fast paths' shared step: false when `s` is not simply one fragment behind;
  // otherwise takes the ring's next message for it into `next` (skips counted).
  bool take_newest(Session* s, Hall& h, int64_t now, Next& next);
  void join(Session* s, Hall& h);
  void leave(Session* s);

  const config::Config& cfg_;
  std::vector<std::unique_ptr<Hall>> halls_;
  std::unordered_map<uint64_t, Session*> by_serial_;
  std::unordered_map<std::string, size_t> per_address_;
  std::map<std::string, PendingCommand> pending_;
  size_t total_ = 0;
  size_t max_connections_ = 0;
  uint64_t next_serial_ = 1;
  uint64_t next_command_ = 1;
  int64_t started_ms_ = 0;
  Metrics metrics_;
  std::unique_ptr<FanoutPool> pool_;
  std::vector<FanoutJob> jobs_;  // the parallel fan-out's batch (reused)
};

int64_t now_ms();
int64_t steady_ns();  // for durations (fan-out timing)

}  // namespace hallcast::relay
