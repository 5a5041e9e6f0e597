#include "fanout_pool.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace hallcast::relay {

FanoutPool::FanoutPool(unsigned threads) {
  for (unsigned i = 1; i < threads; ++i) helpers_.emplace_back([this] { helper_main(); });
}

FanoutPool::~FanoutPool() {
  {
    std::lock_guard lk(m_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : helpers_) t.join();
}

void FanoutPool::send_one(FanoutJob& j) {
  long n;
  do {
    n = ::send(j.fd, j.data, j.len, MSG_NOSIGNAL | MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0) n = (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -errno;
  j.sent = n;
  j.done_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::steady_clock::now().time_since_epoch())
                  .count();
}

void FanoutPool::run(std::span<FanoutJob> jobs) {
  if (helpers_.empty() || jobs.size() <= kChunk) {
    for (auto& j : jobs) send_one(j);
    return;
  }
  uint64_t generation;
  {
    std::lock_guard lk(m_);
    jobs_ = jobs;
    next_ = 0;
    finished_ = 0;
    generation = ++generation_;
  }
  wake_.notify_all();
  work(generation);
  std::unique_lock lk(m_);
  done_.wait(lk, [&] { return finished_ == jobs_.size(); });
  jobs_ = {};  // a helper waking late finds nothing to take
}

void FanoutPool::work(uint64_t generation) {
  for (;;) {
    std::span<FanoutJob> chunk;
    {
      std::lock_guard lk(m_);
      if (generation_ != generation || next_ >= jobs_.size()) return;
      size_t end = std::min(next_ + kChunk, jobs_.size());
      chunk = jobs_.subspan(next_, end - next_);
      next_ = end;
    }
    for (auto& j : chunk) send_one(j);
    std::lock_guard lk(m_);
    finished_ += chunk.size();
    if (finished_ == jobs_.size()) done_.notify_one();
  }
}

void FanoutPool::helper_main() {
  uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock lk(m_);
      wake_.wait(lk, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    work(seen);
  }
}

}  // namespace hallcast::relay
