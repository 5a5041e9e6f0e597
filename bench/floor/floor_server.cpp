#include "floor_server.hpp"

#include <arpa/inet.h>
#include <glib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "../common/ws_wire.hpp"
#include "hallcast/common/media_frame.hpp"

namespace hallcast::bench {
namespace {

constexpr size_t kMaxRequestBytes = 8 * 1024;
constexpr size_t kMaxMediaBytes = 8 * 1024 * 1024;
constexpr size_t kMaxControlBytes = 16 * 1024;
constexpr int kMaxEvents = 256;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

int64_t now_ms() {
  return static_cast<int64_t>(media::wall_clock_us() / 1000);
}

// The value of an HTTP header (name matched without case), or empty.
std::string_view header(std::string_view head, std::string_view name) {
  size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos + 2 < head.size()) {
    size_t start = pos + 2;
    size_t end = head.find("\r\n", start);
    if (end == std::string_view::npos) end = head.size();
    std::string_view line = head.substr(start, end - start);
    size_t colon = line.find(':');
    if (colon == name.size() && g_ascii_strncasecmp(line.data(), name.data(), name.size()) == 0) {
      std::string_view v = line.substr(colon + 1);
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
      return v;
    }
    pos = end;
  }
  return {};
}

bool offers(std::string_view list, std::string_view protocol) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == protocol) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

// Writes a short answer on a fresh socket (it fits in the empty send buffer).
void write_all(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    s.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

std::shared_ptr<OutFrame> make_server_frame(uint8_t opcode, std::string_view payload) {
  auto f = std::make_shared<OutFrame>();
  f->bytes.reserve(payload.size() + 10);
  append_frame_header(f->bytes, opcode, payload.size(), false);
  f->bytes.insert(f->bytes.end(), payload.begin(), payload.end());
  return f;
}

std::string websocket_accept(std::string_view key) {
  std::string text(key);
  text += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  GChecksum* sha1 = g_checksum_new(G_CHECKSUM_SHA1);
  g_checksum_update(sha1, reinterpret_cast<const guchar*>(text.data()),
                    static_cast<gssize>(text.size()));
  guint8 digest[20];
  gsize len = sizeof digest;
  g_checksum_get_digest(sha1, digest, &len);
  g_checksum_free(sha1);
  gchar* b64 = g_base64_encode(digest, len);
  std::string out(b64);
  g_free(b64);
  return out;
}

FloorServer::FloorServer(FloorOptions o, const std::string& host, int port) : o_(std::move(o)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) fail("socket");
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1)
    throw std::runtime_error("not an IPv4 address: " + host);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0)
    fail("bind " + host + ":" + std::to_string(port));
  if (::listen(listen_fd_, 4096) < 0) fail("listen");
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  host_ = host;
  port_ = ntohs(addr.sin_port);
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) fail("epoll_create1");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listen_fd_;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
}

FloorServer::~FloorServer() {
  for (auto& [fd, c] : conns_) ::close(fd);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

void FloorServer::run_once(int timeout_ms) {
  epoll_event events[kMaxEvents];
  int n = ::epoll_wait(epoll_fd_, events, kMaxEvents, timeout_ms);
  for (int i = 0; i < n; ++i) {
    int fd = events[i].data.fd;
    if (fd == listen_fd_) {
      accept_all();
      continue;
    }
    auto it = conns_.find(fd);
    if (it == conns_.end()) continue;
    Conn& c = *it->second;
    if (events[i].events & (EPOLLERR | EPOLLHUP)) {
      to_close_.push_back(fd);
      continue;
    }
    if (events[i].events & EPOLLOUT) on_writable(c);
    if (events[i].events & EPOLLIN) on_readable(c);
  }
  // Closed only here, so no handler above holds a pointer to a closed connection.
  std::vector<int> closing;
  closing.swap(to_close_);
  for (int fd : closing) close_conn(fd);
}

void FloorServer::accept_all() {
  for (;;) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or out of descriptors: the backlog keeps the rest
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto c = std::make_unique<Conn>();
    c->fd = fd;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
    conns_.emplace(fd, std::move(c));
  }
}

void FloorServer::on_readable(Conn& c) {
  uint8_t buf[64 * 1024];
  for (;;) {
    ssize_t n = ::recv(c.fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n <= 0) {
      to_close_.push_back(c.fd);
      return;
    }
    if (c.closing) continue;
    if (c.kind == Kind::Http) {
      c.http.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
      if (!handle_http(c)) {
        c.closing = true;
        to_close_.push_back(c.fd);
        return;
      }
      continue;
    }
    c.in.insert(c.in.end(), buf, buf + n);
    if (!parse_frames(c)) {
      c.closing = true;
      to_close_.push_back(c.fd);
      return;
    }
  }
}

bool FloorServer::handle_http(Conn& c) {
  size_t end = c.http.find("\r\n\r\n");
  if (end == std::string::npos) return c.http.size() <= kMaxRequestBytes;
  std::string_view head(c.http.data(), end + 2);
  std::string_view protocols = header(head, "Sec-WebSocket-Protocol");
  std::string_view key = header(head, "Sec-WebSocket-Key");
  if (key.empty()) {
    std::string body = nlohmann::json{{"status", "ok"}, {"viewers", viewers_.size()}}.dump();
    bool health = head.starts_with("GET /healthz ");
    write_all(c.fd, std::string(health ? "HTTP/1.1 200 OK" : "HTTP/1.1 404 Not Found") +
                        "\r\nContent-Type: application/json\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    return false;
  }
  std::string_view chosen;
  if (offers(protocols, "hallcast.publish.v1")) {
    std::string_view auth = header(head, "Authorization");
    bool ok = auth.starts_with("Bearer ") && auth.substr(7) == o_.publisher_token;
    if (!ok || publisher_) {
      write_all(c.fd, ok ? "HTTP/1.1 409 Conflict\r\n\r\n" : "HTTP/1.1 401 Unauthorized\r\n\r\n");
      return false;
    }
    c.kind = Kind::Publisher;
    publisher_ = &c;
    chosen = "hallcast.publish.v1";
  } else if (offers(protocols, "hallcast.live.v1")) {
    c.kind = Kind::Viewer;
    chosen = "hallcast.live.v1";
  } else if (offers(protocols, "hallcast.control.v1")) {
    c.kind = Kind::Control;
    chosen = "hallcast.control.v1";
  } else {
    write_all(c.fd, "HTTP/1.1 400 Bad Request\r\n\r\n");
    return false;
  }
  write_all(c.fd,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Accept: " +
                websocket_accept(key) + "\r\nSec-WebSocket-Protocol: " + std::string(chosen) +
                "\r\n\r\n");
  c.in.assign(c.http.begin() + static_cast<std::ptrdiff_t>(end + 4), c.http.end());
  c.http.clear();
  c.http.shrink_to_fit();
  if (c.kind == Kind::Viewer) join(c);
  return parse_frames(c);
}

// Client frames (masked, RFC 6455 section 5.2); fragmented messages are not used by the
// benchmark's tools and close the connection.
bool FloorServer::parse_frames(Conn& c) {
  size_t at = 0;
  const size_t max = c.kind == Kind::Publisher ? kMaxMediaBytes : kMaxControlBytes;
  for (;;) {
    const uint8_t* p = c.in.data() + at;
    size_t have = c.in.size() - at;
    if (have < 2) break;
    bool fin = p[0] & 0x80;
    uint8_t opcode = p[0] & 0x0f;
    if (!(p[1] & 0x80) || !fin) return false;
    uint64_t len = p[1] & 0x7f;
    size_t hdr = 2;
    if (len == 126) {
      if (have < 4) break;
      len = (uint64_t{p[2]} << 8) | p[3];
      hdr = 4;
    } else if (len == 127) {
      if (have < 10) break;
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
      hdr = 10;
    }
    if (len > max) return false;
    if (have < hdr + 4 + len) break;
    const uint8_t* mask = p + hdr;
    auto* payload = const_cast<uint8_t*>(p + hdr + 4);
    for (size_t i = 0; i < len; ++i) payload[i] ^= mask[i & 3];
    at += hdr + 4 + len;
    if (opcode == kClose) {
      deliver(c, make_server_frame(kClose, {}));
      return false;
    }
    on_message(c, opcode,
               std::string_view(reinterpret_cast<const char*>(payload), static_cast<size_t>(len)));
  }
  c.in.erase(c.in.begin(), c.in.begin() + static_cast<std::ptrdiff_t>(at));
  return true;
}

void FloorServer::on_message(Conn& c, uint8_t opcode, std::string_view payload) {
  if (opcode == kPing) return deliver(c, make_server_frame(kPong, payload));
  if (opcode == kPong) return;
  if (c.kind == Kind::Publisher && opcode == kBinary) return on_media(payload);
  if (c.kind == Kind::Control && opcode == kText) return on_control(c, payload);
}

void FloorServer::on_media(std::string_view frame) {
  if (frame.size() < media::kFrameHeaderSize) return;
  auto f = make_server_frame(kBinary, frame);
  f->media = true;
  f->keyframe = (static_cast<uint8_t>(frame[2]) & 1) != 0;
  OutRef ref = f;
  if (frame[1] == 0) {  // init segment
    init_ = ref;
    gop_.clear();
    for (Conn* v : viewers_) deliver(*v, ref);
    return;
  }
  if (f->keyframe)
    gop_.assign(1, ref);
  else if (!gop_.empty())
    gop_.push_back(ref);
  broadcast(ref);
}

void FloorServer::on_control(Conn& c, std::string_view text) {
  auto msg = nlohmann::json::parse(text, nullptr, false);
  if (!msg.is_object()) return send_text(c, R"({"type":"error","code":"bad_message"})");
  try {
    handle_control(c, msg);
  } catch (const nlohmann::json::exception&) {  // a field of the wrong type
    send_text(c, R"({"type":"error","code":"bad_request"})");
  }
}

void FloorServer::handle_control(Conn& c, const nlohmann::json& msg) {
  std::string type = msg.value("type", "");
  if (type == "auth") {
    c.authed = !o_.captioner_token.empty() && msg.value("token", "") == o_.captioner_token;
    return send_text(c, c.authed ? R"({"type":"ack","ref":"auth"})"
                                 : R"({"type":"error","code":"auth_failed"})");
  }
  if (!c.authed) return send_text(c, R"({"type":"error","code":"unauthorized"})");
  if (type != "caption" || !msg.contains("text") || !msg["text"].is_string())
    return send_text(c, R"({"type":"error","code":"unsupported"})");
  std::string lang = msg.value("lang", "vi");  // these throw on a wrong type: before the id
  bool final = msg.value("final", false);
  nlohmann::json out = {{"type", "caption"},   {"id", "c-" + std::to_string(++captions_)},
                        {"hall", o_.hall},     {"lang", lang},
                        {"text", msg["text"]}, {"final", final},
                        {"t", now_ms()}};
  broadcast(make_server_frame(kText, out.dump()));
  nlohmann::json ack = {{"type", "ack"}, {"ref", "caption"}};
  if (msg.contains("id")) ack["id"] = msg["id"];
  send_text(c, ack.dump());
}

void FloorServer::join(Conn& c) {
  c.viewer_index = viewers_.size();
  viewers_.push_back(&c);
  nlohmann::json hello = {
      {"type", "hello"}, {"protocol", 1}, {"hall", o_.hall}, {"viewers", viewers_.size()}};
  send_text(c, hello.dump());
  if (init_) deliver(c, init_);
  for (const auto& f : gop_) deliver(c, f);
}

void FloorServer::broadcast(const OutRef& f) {
  for (Conn* v : viewers_) deliver(*v, f);
}

// At the live edge (nothing queued): one send() of the whole frame. Otherwise it queues, and a
// viewer whose queue is over the bound skips media until the next keyframe.
void FloorServer::deliver(Conn& c, const OutRef& f) {
  if (c.closing) return;
  if (f->media) {
    if (c.wait_keyframe && !f->keyframe) return;
    c.wait_keyframe = false;
    if (c.out_bytes > o_.backlog_bytes) {
      c.wait_keyframe = true;
      return;
    }
  }
  c.out.emplace_back(f, 0);
  c.out_bytes += f->bytes.size();
  if (c.out.size() > 1) return;  // the socket is full; EPOLLOUT is registered
  if (!flush(c)) {
    c.closing = true;
    to_close_.push_back(c.fd);
  }
}

bool FloorServer::flush(Conn& c) {
  while (!c.out.empty()) {
    auto& [f, sent] = c.out.front();
    const auto& b = f->bytes;
    ssize_t n = ::send(c.fd, b.data() + sent, b.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0) return false;
    sent += static_cast<size_t>(n);
    c.out_bytes -= static_cast<size_t>(n);
    if (sent < b.size()) break;
    c.out.pop_front();
  }
  set_want_out(c, !c.out.empty());
  return true;
}

void FloorServer::on_writable(Conn& c) {
  if (!c.closing && !flush(c)) {
    c.closing = true;
    to_close_.push_back(c.fd);
  }
}

void FloorServer::set_want_out(Conn& c, bool on) {
  if (c.want_out == on) return;
  c.want_out = on;
  epoll_event ev{};
  ev.events = EPOLLIN | (on ? EPOLLOUT : 0u);
  ev.data.fd = c.fd;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
}

void FloorServer::send_text(Conn& c, std::string_view text) {
  deliver(c, make_server_frame(kText, text));
}

void FloorServer::close_conn(int fd) {
  auto it = conns_.find(fd);
  if (it == conns_.end()) return;
  Conn& c = *it->second;
  if (c.kind == Kind::Viewer) {
    Conn* last = viewers_.back();
    viewers_[c.viewer_index] = last;
    last->viewer_index = c.viewer_index;
    viewers_.pop_back();
  }
  if (publisher_ == &c) publisher_ = nullptr;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  ::close(fd);
  conns_.erase(it);
}

}  // namespace hallcast::bench
