// Parallel fan-out of one media fragment to the viewers at the live edge: the kernel's send()
// per viewer is most of the relay's CPU (docs/performance.md), and on one thread the last viewer
// waits for every other viewer's send(). The service thread hands a batch of socket writes to
// FanoutPool::run(), which spreads them over itself and helper threads and returns once every
// one has been attempted.
//
// Thread rules: the helpers make no libwebsockets call and touch no Session; they only send()
// prepared bytes on a socket and record the result in the job. While run() is in progress the
// service thread is inside it, so lws does nothing with any connection (no other writer on those
// sockets); what did not fit is handed to lws by the service thread afterwards (Hub).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

namespace hallcast::relay {

struct Session;

struct FanoutJob {
  Session* session = nullptr;     // for the service thread only
  int fd = -1;                    // the viewer's TCP socket (plain, non-blocking)
  const uint8_t* data = nullptr;  // the whole WebSocket frame (header + payload)
  size_t len = 0;
  size_t payload_len = 0;  // without the header (for the byte counters)
  // Results, written by whichever thread sent it:
  long sent = 0;        // bytes the kernel took (0 if none fit), or -errno
  int64_t done_ns = 0;  // steady clock when send() returned
};

class FanoutPool {
 public:
  // `threads` counts the calling thread: 1 = no helpers (run() does everything itself).
  explicit FanoutPool(unsigned threads);
  ~FanoutPool();
  FanoutPool(const FanoutPool&) = delete;
  FanoutPool& operator=(const FanoutPool&) = delete;

  unsigned threads() const { return static_cast<unsigned>(helpers_.size()) + 1; }
  // Sends every job; returns when all are done. Called from the service thread only.
  void run(std::span<FanoutJob> jobs);

  // Jobs a thread takes at a time: small enough to share a fan-out evenly, large enough that the
  // shared counter is not touched per viewer.
  static constexpr size_t kChunk = 16;

 private:
  void helper_main();
  // Takes chunks of the current batch until none is left.
  void work(uint64_t generation);
  static void send_one(FanoutJob& j);

  std::mutex m_;
  std::condition_variable wake_;  // helpers: a new batch (or stop)
  std::condition_variable done_;  // run(): the last job of the batch is done
  std::span<FanoutJob> jobs_;     // the current batch (guarded by m_)
  size_t next_ = 0;               // next unclaimed job (guarded by m_)
  size_t finished_ = 0;           // jobs done in this batch (guarded by m_)
  uint64_t generation_ = 0;       // batches started (guarded by m_)
  bool stop_ = false;
  std::vector<std::thread> helpers_;
};

}  // namespace hallcast::relay
