#include "notify_socket.hpp"

#include "hallcast/testsupport/time_scale.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace hallcast::systemd_test {

bool NotifyMessage::has(std::string_view assignment) const {
  for (const auto& a : assignments)
    if (a == assignment) return true;
  return false;
}

std::optional<std::string> NotifyMessage::value(std::string_view key) const {
  for (const auto& a : assignments) {
    if (a.size() > key.size() && a.compare(0, key.size(), key) == 0 && a[key.size()] == '=')
      return a.substr(key.size() + 1);
  }
  return std::nullopt;
}

NotifySocket::NotifySocket(std::string path) : path_(std::move(path)) {
  sockaddr_un addr{};
  if (path_.size() >= sizeof(addr.sun_path)) throw std::runtime_error("socket path too long");
  fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket: " + std::string(strerror(errno)));
  const int on = 1;
  setsockopt(fd_, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
  if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const std::string err = strerror(errno);
    close(fd_);
    throw std::runtime_error("bind " + path_ + ": " + err);
  }
}

NotifySocket::~NotifySocket() {
  if (fd_ >= 0) close(fd_);
  unlink(path_.c_str());
}

std::optional<NotifyMessage> NotifySocket::receive(std::chrono::milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  const int ready = poll(&p, 1, static_cast<int>(timeout.count()));
  if (ready <= 0) return std::nullopt;

  char data[4096];
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
  iovec iov{data, sizeof data};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t n = recvmsg(fd_, &msg, MSG_CMSG_CLOEXEC);
  if (n < 0) return std::nullopt;

  NotifyMessage out;
  out.at = Clock::now();
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
      ucred cred{};
      std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
      out.sender = cred.pid;
    }
  }
  std::istringstream lines(std::string(data, static_cast<size_t>(n)));
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) out.assignments.push_back(line);
  return out;
}

std::optional<NotifyMessage> NotifySocket::wait_for(std::string_view assignment,
                                                    std::chrono::milliseconds timeout,
                                                    std::vector<NotifyMessage>& seen) {
  const auto deadline = testsupport::deadline_in(timeout);
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto m = receive(left);
    if (!m) return std::nullopt;
    seen.push_back(*m);
    if (m->has(assignment)) return m;
  }
}

}  // namespace hallcast::systemd_test
