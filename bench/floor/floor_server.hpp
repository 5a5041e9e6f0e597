// The bare-send floor server (see main.cpp): one epoll loop, one send() per viewer per fragment.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace hallcast::bench {

struct FloorOptions {
  std::string hall = "hoi-truong";
  size_t backlog_bytes = 3 * 3'000'000 / 8;  // 3 s of 3 Mbit/s, like the Node peer
  std::string publisher_token;
  std::string captioner_token;
};

// One server frame (header + payload), framed once and shared by every viewer it goes to.
struct OutFrame {
  std::vector<uint8_t> bytes;
  bool media = false;
  bool keyframe = false;
};
using OutRef = std::shared_ptr<const OutFrame>;

class FloorServer {
 public:
  // Listens on host:port (IPv4, port 0 = any); throws std::runtime_error when it cannot.
  FloorServer(FloorOptions o, const std::string& host, int port);
  ~FloorServer();
  FloorServer(const FloorServer&) = delete;
  FloorServer& operator=(const FloorServer&) = delete;

  const std::string& host() const { return host_; }
  int port() const { return port_; }
  // Waits up to timeout_ms for socket events and handles them.
  void run_once(int timeout_ms);

 private:
  enum class Kind { Http, Publisher, Viewer, Control };
  struct Conn {
    int fd = -1;
    Kind kind = Kind::Http;
    std::string http;                           // the upgrade request until it is complete
    std::vector<uint8_t> in;                    // client frames not yet parsed
    std::deque<std::pair<OutRef, size_t>> out;  // what the socket did not take; bytes sent
    size_t out_bytes = 0;
    bool want_out = false;  // EPOLLOUT registered
    bool wait_keyframe = false;
    bool authed = false;
    bool closing = false;
    size_t viewer_index = 0;  // in viewers_ (Kind::Viewer)
  };

  void accept_all();
  void on_readable(Conn& c);
  void on_writable(Conn& c);
  bool handle_http(Conn& c);   // false: close
  bool parse_frames(Conn& c);  // false: close
  void on_message(Conn& c, uint8_t opcode, std::string_view payload);
  void on_media(std::string_view frame);
  void on_control(Conn& c, std::string_view text);
  void handle_control(Conn& c, const nlohmann::json& msg);
  void join(Conn& c);
  void broadcast(const OutRef& f);
  void deliver(Conn& c, const OutRef& f);
  bool flush(Conn& c);  // false: the socket failed
  void set_want_out(Conn& c, bool on);
  void send_text(Conn& c, std::string_view text);
  void close_conn(int fd);

  FloorOptions o_;
  std::string host_;
  int port_ = 0;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  std::unordered_map<int, std::unique_ptr<Conn>> conns_;
  std::vector<Conn*> viewers_;
  Conn* publisher_ = nullptr;
  OutRef init_;
  std::vector<OutRef> gop_;
  uint64_t captions_ = 0;
  std::vector<int> to_close_;
};

// The server's (unmasked) frame for a payload: FIN + opcode, length, payload.
std::shared_ptr<OutFrame> make_server_frame(uint8_t opcode, std::string_view payload);
// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key (RFC 6455 section 4.2.2).
std::string websocket_accept(std::string_view key);

}  // namespace hallcast::bench
