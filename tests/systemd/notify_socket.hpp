// The receiving end of sd_notify(3) for tests: an AF_UNIX datagram socket bound where
// NOTIFY_SOCKET points, as systemd binds it for a Type=notify service. Each datagram is kept
// with its arrival time and the sender's pid (SCM_CREDENTIALS, which systemd uses for
// NotifyAccess=main). Owned by the test's thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace hallcast::systemd_test {

using Clock = std::chrono::steady_clock;

struct NotifyMessage {
  Clock::time_point at;
  pid_t sender = 0;
  std::vector<std::string> assignments;  // "READY=1", "STATUS=...", one per line

  bool has(std::string_view assignment) const;
  // The value of KEY=value, if the message carries that key.
  std::optional<std::string> value(std::string_view key) const;
};

class NotifySocket {
 public:
  explicit NotifySocket(std::string path);  // throws std::runtime_error
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  const std::string& path() const { return path_; }
  // The next datagram, waiting up to timeout; nullopt on timeout.
  std::optional<NotifyMessage> receive(std::chrono::milliseconds timeout);
  // Receives until a message carrying `assignment` arrives (returned) or the deadline passes;
  // everything received on the way is appended to `seen`.
  std::optional<NotifyMessage> wait_for(std::string_view assignment,
                                        std::chrono::milliseconds timeout,
                                        std::vector<NotifyMessage>& seen);

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace hallcast::systemd_test
