// Reconnect back-off: doubles from an initial delay up to a maximum, reset on success.
// Plain value type; owned by whoever reconnects (the main loop).
#pragma once

namespace hallcast::display {

class Backoff {
 public:
  Backoff(int initial_ms, int max_ms) : initial_ms_(initial_ms), max_ms_(max_ms) {}
  // The delay before the next attempt; each call doubles the following one.
  int next_ms();
  void reset() { attempt_ = 0; }
  int attempts() const { return attempt_; }

 private:
  int initial_ms_;
  int max_ms_;
  int attempt_ = 0;
};

}  // namespace hallcast::display
