#include "hallcast/testsupport/ws_client.hpp"
#include "hallcast/testsupport/time_scale.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>

namespace hallcast::testsupport {
namespace {

using Clock = std::chrono::steady_clock;

int connect_loopback(int port, int rcvbuf) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket: " + std::string(strerror(errno)));
  if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int e = errno;
    ::close(fd);
    throw std::runtime_error("connect 127.0.0.1:" + std::to_string(port) + ": " + strerror(e));
  }
  return fd;
}

bool wait_fd(int fd, short events, Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  pollfd p{fd, events, 0};
  int r = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(0, left.count())));
  return r > 0;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Parses "HTTP/1.1 101 ...\r\nK: V\r\n\r\n"; returns the header block's length or 0.
size_t parse_head(const std::string& in, HttpResponse& r) {
  size_t end = in.find("\r\n\r\n");
  if (end == std::string::npos) return 0;
  size_t line_end = in.find("\r\n");
  std::string status = in.substr(0, line_end);
  if (status.rfind("HTTP/1.", 0) != 0 || status.size() < 12) return end + 4;
  r.status = std::atoi(status.c_str() + 9);
  r.reason = status.size() > 13 ? status.substr(13) : "";
  size_t pos = line_end + 2;
  while (pos < end) {
    size_t nl = in.find("\r\n", pos);
    std::string line = in.substr(pos, nl - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string v = line.substr(colon + 1);
      v.erase(0, v.find_first_not_of(' '));
      r.headers[lower(line.substr(0, colon))] = v;
    }
    pos = nl + 2;
  }
  return end + 4;
}

std::string random_key() {
  static const char* b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::random_device rd;
  std::string k;
  for (int i = 0; i < 21; ++i) k += b64[rd() % 64];
  return k + "A==";  // 16 random-ish bytes, base64 encoded shape
}

}  // namespace

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

HttpResponse http_request(int port, const std::string& raw, std::chrono::milliseconds timeout) {
  auto deadline = deadline_in(timeout);
  int fd = connect_loopback(port, 0);
  HttpResponse r;
  ::send(fd, raw.data(), raw.size(), MSG_NOSIGNAL);
  std::string in;
  size_t head = 0;
  char buf[16384];
  while (wait_fd(fd, POLLIN, deadline)) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    in.append(buf, static_cast<size_t>(n));
    if (!head) head = parse_head(in, r);
    if (head && r.headers.count("content-length") &&
        in.size() - head >= std::stoul(r.headers["content-length"]))
      break;
  }
  ::close(fd);
  if (!head) head = parse_head(in, r);
  if (head) r.body = in.substr(head);
  return r;
}

HttpResponse http_get(int port, const std::string& path,
                      const std::vector<std::pair<std::string, std::string>>& headers,
                      std::chrono::milliseconds timeout) {
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                    "\r\nConnection: close\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  return http_request(port, req + "\r\n", timeout);
}

WsClient::~WsClient() {
  if (fd_ >= 0) ::close(fd_);
}

WsClient::WsClient(WsClient&& o) noexcept {
  *this = std::move(o);
}

WsClient& WsClient::operator=(WsClient&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
    upgraded_ = o.upgraded_;
    protocol_ = std::move(o.protocol_);
    in_ = std::move(o.in_);
    partial_ = std::move(o.partial_);
    partial_op_ = o.partial_op_;
    bytes_received_ = o.bytes_received_;
  }
  return *this;
}

HttpResponse WsClient::connect(int port, const WsOptions& options) {
  auto deadline = deadline_in(options.timeout);
  fd_ = connect_loopback(port, options.receive_buffer_bytes);
  std::string req = "GET " + options.path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                    "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " +
                    random_key() + "\r\n";
  if (!options.subprotocol.empty())
    req += "Sec-WebSocket-Protocol: " + options.subprotocol + "\r\n";
  for (const auto& [k, v] : options.headers) req += k + ": " + v + "\r\n";
  write_all(req + "\r\n");
  HttpResponse r;
  size_t head = 0;
  while (!(head = parse_head(in_, r))) {
    if (!read_more(deadline)) return r;
  }
  in_.erase(0, head);
  if (r.status == 101) {
    upgraded_ = true;
    protocol_ = r.header("sec-websocket-protocol");
  } else {
    r.body = in_;  // whatever followed (error page)
    while (read_more(deadline)) r.body = in_;
    in_.clear();
  }
  return r;
}

bool WsClient::write_all(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool WsClient::read_more(Clock::time_point deadline) {
  if (fd_ < 0 || !wait_fd(fd_, POLLIN, deadline)) return false;
  char buf[65536];
  ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) return false;
  in_.append(buf, static_cast<size_t>(n));
  bytes_received_ += static_cast<uint64_t>(n);
  return true;
}

bool WsClient::send_frame(uint8_t op, std::string_view payload, bool fin, bool masked) {
  std::string f;
  f += static_cast<char>((fin ? 0x80 : 0) | op);
  uint8_t mask_bit = masked ? 0x80 : 0;
  if (payload.size() < 126) {
    f += static_cast<char>(mask_bit | payload.size());
  } else if (payload.size() < 65536) {
    f += static_cast<char>(mask_bit | 126);
    f += static_cast<char>(payload.size() >> 8);
    f += static_cast<char>(payload.size() & 0xff);
  } else {
    f += static_cast<char>(mask_bit | 127);
    for (int i = 7; i >= 0; --i)
      f += static_cast<char>((uint64_t(payload.size()) >> (8 * i)) & 0xff);
  }
  std::string body(payload);
  if (masked) {
    std::random_device rd;
    uint8_t key[4];
    for (auto& k : key) k = static_cast<uint8_t>(rd());
    f.append(reinterpret_cast<char*>(key), 4);
    for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(body[i] ^ key[i % 4]);
  }
  return write_all(f + body);
}

bool WsClient::send_frame_header(uint8_t op, uint64_t declared_length, bool fin) {
  std::string f;
  f += static_cast<char>((fin ? 0x80 : 0) | op);
  f += static_cast<char>(0x80 | 127);
  for (int i = 7; i >= 0; --i) f += static_cast<char>((declared_length >> (8 * i)) & 0xff);
  f += std::string("\x01\x02\x03\x04", 4);  // mask key
  return write_all(f);
}

bool WsClient::send_text(std::string_view text) {
  return send_frame(opcode::kText, text);
}
bool WsClient::send_binary(std::string_view bytes) {
  return send_frame(opcode::kBinary, bytes);
}
bool WsClient::send_raw(std::string_view bytes) {
  return write_all(bytes);
}

void WsClient::close(int code, std::string_view reason) {
  if (fd_ < 0) return;
  std::string p;
  p += static_cast<char>(code >> 8);
  p += static_cast<char>(code & 0xff);
  p += reason;
  send_frame(opcode::kClose, p);
}

WsMessage WsClient::receive(std::chrono::milliseconds timeout) {
  return receive_before(deadline_in(timeout));
}

WsMessage WsClient::receive_before(Clock::time_point deadline) {
  for (;;) {
    // Parse one frame if complete.
    if (in_.size() >= 2) {
      auto b = reinterpret_cast<const uint8_t*>(in_.data());
      bool fin = b[0] & 0x80;
      uint8_t op = b[0] & 0x0f;
      uint64_t len = b[1] & 0x7f;
      size_t pos = 2;
      if (len == 126 && in_.size() >= 4)
        len = (uint64_t(b[2]) << 8) | b[3], pos = 4;
      else if (len == 127 && in_.size() >= 10) {
        len = 0;
        for (int i = 0; i < 8; ++i) len = (len << 8) | b[2 + i];
        pos = 10;
      }
      bool have_len =
          !((b[1] & 0x7f) == 126 && in_.size() < 4) && !((b[1] & 0x7f) == 127 && in_.size() < 10);
      if (b[1] & 0x80) pos += 4;  // servers never mask, but skip a key if one is there
      if (have_len && in_.size() >= pos + len) {
        std::string payload = in_.substr(pos, len);
        in_.erase(0, pos + len);
        if (op == opcode::kPing) {
          send_frame(opcode::kPong, payload);
          continue;
        }
        if (op == opcode::kPong) continue;
        if (op == opcode::kClose) {
          WsMessage m{MessageKind::Close, {}, 1005, {}};
          if (payload.size() >= 2) {
            m.close_code = (uint8_t(payload[0]) << 8) | uint8_t(payload[1]);
            m.close_reason = payload.substr(2);
          }
          return m;
        }
        if (op != opcode::kContinuation) partial_op_ = op;
        partial_ += payload;
        if (!fin) continue;
        WsMessage m{partial_op_ == opcode::kText ? MessageKind::Text : MessageKind::Binary,
                    std::move(partial_),
                    0,
                    {}};
        partial_.clear();
        return m;
      }
    }
    if (fd_ < 0) return {MessageKind::Eof, {}, 0, {}};
    if (Clock::now() >= deadline) return {MessageKind::Timeout, {}, 0, {}};
    if (!wait_fd(fd_, POLLIN, deadline)) return {MessageKind::Timeout, {}, 0, {}};
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return {MessageKind::Eof, {}, 0, {}};
    in_.append(buf, static_cast<size_t>(n));
    bytes_received_ += static_cast<uint64_t>(n);
  }
}

WsMessage WsClient::receive_until(const std::function<bool(const WsMessage&)>& match,
                                  std::chrono::milliseconds timeout) {
  auto deadline = deadline_in(timeout);
  for (;;) {
    WsMessage m = receive_before(deadline);
    if (m.kind == MessageKind::Timeout || m.kind == MessageKind::Close ||
        m.kind == MessageKind::Eof || match(m))
      return m;
  }
}

WsMessage WsClient::receive_type(const std::string& type, std::chrono::milliseconds timeout) {
  const std::string needle = "\"type\":\"" + type + "\"";
  return receive_until(
      [&](const WsMessage& m) { return m.is_text() && m.data.find(needle) != std::string::npos; },
      timeout);
}

bool WsClient::wait_closed(std::chrono::milliseconds timeout) {
  auto deadline = deadline_in(timeout);
  for (;;) {
    WsMessage m = receive_before(deadline);
    if (m.kind == MessageKind::Eof) return true;
    if (m.kind == MessageKind::Timeout) return false;
  }
}

}  // namespace hallcast::testsupport
