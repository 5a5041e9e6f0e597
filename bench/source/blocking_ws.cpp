#include "blocking_ws.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace hallcast::bench {
namespace {

constexpr int kUpgradeTimeoutMs = 5000;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

BlockingWs::BlockingWs(const std::string& host, int port, const std::string& path,
                       const std::string& subprotocol, const std::string& bearer_token) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) fail("socket");
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1)
    throw std::runtime_error("not an IPv4 address: " + host);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0)
    fail("connect to " + host + ":" + std::to_string(port));
  std::string req =
      make_upgrade_request(host + ":" + std::to_string(port), path, subprotocol, bearer_token);
  if (::write(fd_, req.data(), req.size()) != static_cast<ssize_t>(req.size())) fail("write");
  std::string answer;
  char buf[4096];
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, kUpgradeTimeoutMs) <= 0)
      throw std::runtime_error("no upgrade answer from the server");
    ssize_t r = ::read(fd_, buf, sizeof buf);
    if (r <= 0) throw std::runtime_error("server closed during the upgrade (" + subprotocol + ")");
    answer.append(buf, static_cast<size_t>(r));
    UpgradeAnswer a = parse_upgrade_answer(answer, subprotocol);
    if (a.status == UpgradeAnswer::Refused)
      throw std::runtime_error("upgrade refused (" + subprotocol + "): " + a.detail);
    if (a.status == UpgradeAnswer::Accepted) {
      std::string rest = answer.substr(a.header_bytes);
      parser_.feed(reinterpret_cast<const uint8_t*>(rest.data()), rest.size(),
                   [](const WsMessage&) {});
      return;
    }
  }
}

BlockingWs::~BlockingWs() {
  if (fd_ >= 0) ::close(fd_);
}

void BlockingWs::send(uint8_t opcode, std::span<const uint8_t> payload) {
  out_.clear();
  mask_ = mask_ * 1103515245u + 12345u;
  append_client_frame(out_, opcode, payload, mask_);
  size_t off = 0;
  while (off < out_.size()) {
    ssize_t w = ::write(fd_, out_.data() + off, out_.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) fail("write");
    off += static_cast<size_t>(w);
  }
}

bool BlockingWs::drain(const std::function<void(const std::string&)>& on_text) {
  uint8_t buf[16384];
  for (;;) {
    ssize_t r = recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (r == 0) return false;
    if (r < 0) return errno == EAGAIN || errno == EINTR;
    bool alive = true;
    bool ok = parser_.feed(buf, static_cast<size_t>(r), [&](const WsMessage& m) {
      if (m.opcode == kText) on_text(m.text);
      if (m.opcode == kPing)
        send(kPong, {reinterpret_cast<const uint8_t*>(m.text.data()), m.text.size()});
      if (m.opcode == kClose) alive = false;
    });
    if (!ok || !alive) return false;
  }
}

}  // namespace hallcast::bench
