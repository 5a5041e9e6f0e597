// A small blocking WebSocket (RFC 6455) and HTTP/1.1 client over plain sockets, for tests.
// It does exactly what it is told (including sending broken frames) so tests can probe a
// server's hardening. Not thread-safe: one thread owns each client. Every timeout given here is
// scaled by HALLCAST_TEST_TIME_SCALE (time_scale.hpp).
#pragma once

#include "hallcast/testsupport/time_scale.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hallcast::testsupport {

struct HttpResponse {
  int status = 0;  // 0 = no (parsable) response
  std::string reason;
  std::map<std::string, std::string> headers;  // keys lower-case
  std::string body;
  std::string header(const std::string& lower_name) const;
};

// A raw request (whatever bytes the test wants) to 127.0.0.1:port; reads the response until the
// server closes or, with a Content-Length, until the body is complete.
HttpResponse http_request(int port, const std::string& raw,
                          std::chrono::milliseconds timeout = std::chrono::seconds(5));
HttpResponse http_get(int port, const std::string& path,
                      const std::vector<std::pair<std::string, std::string>>& headers = {},
                      std::chrono::milliseconds timeout = std::chrono::seconds(5));

struct WsOptions {
  std::string path = "/";
  std::string subprotocol;  // empty = no Sec-WebSocket-Protocol header
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Authorization","Bearer x"}
  std::chrono::milliseconds timeout = std::chrono::seconds(5);
  int receive_buffer_bytes = 0;  // >0: SO_RCVBUF before connecting (slow-reader tests)
};

enum class MessageKind { Text, Binary, Close, Timeout, Eof };

struct WsMessage {
  MessageKind kind = MessageKind::Timeout;
  std::string data;
  int close_code = 0;  // for Close: 1005 when the frame carried no code
  std::string close_reason;
  bool is_text() const { return kind == MessageKind::Text; }
  bool is_binary() const { return kind == MessageKind::Binary; }
};

namespace opcode {
inline constexpr uint8_t kContinuation = 0x0, kText = 0x1, kBinary = 0x2, kClose = 0x8, kPing = 0x9,
                         kPong = 0xA;
}

class WsClient {
 public:
  WsClient() = default;
  ~WsClient();
  WsClient(WsClient&& other) noexcept;
  WsClient& operator=(WsClient&& other) noexcept;
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Connects to 127.0.0.1:port and performs the opening handshake. Returns the server's
  // response; the connection is open() only when it answered 101.
  HttpResponse connect(int port, const WsOptions& options);
  bool open() const { return fd_ >= 0 && upgraded_; }
  const std::string& protocol() const { return protocol_; }  // the subprotocol chosen

  bool send_text(std::string_view text);
  bool send_binary(std::string_view bytes);
  // Any frame, masked as a client must (unless masked = false).
  bool send_frame(uint8_t op, std::string_view payload, bool fin = true, bool masked = true);
  // A frame header claiming `declared_length` bytes, followed by nothing (oversize probes).
  bool send_frame_header(uint8_t op, uint64_t declared_length, bool fin = true);
  bool send_raw(std::string_view bytes);
  void close(int code = 1000, std::string_view reason = {});

  // The next data or close message; pings are answered with pongs, pongs are skipped.
  WsMessage receive(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Receives until `match` returns true (returned) or the deadline (Timeout) / close / EOF.
  WsMessage receive_until(const std::function<bool(const WsMessage&)>& match,
                          std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Text messages whose JSON "type" equals type (a plain substring check on "type":"<type>").
  WsMessage receive_type(const std::string& type,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Waits for the server to close the TCP connection (after a close frame or not).
  bool wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  int fd() const { return fd_; }
  uint64_t bytes_received() const { return bytes_received_; }

 private:
  bool read_more(std::chrono::steady_clock::time_point deadline);
  WsMessage receive_before(std::chrono::steady_clock::time_point deadline);
  bool write_all(std::string_view bytes);

  int fd_ = -1;
  bool upgraded_ = false;
  std::string protocol_;
  std::string in_;       // bytes read but not yet parsed
  std::string partial_;  // a fragmented message being assembled
  uint8_t partial_op_ = 0;
  uint64_t bytes_received_ = 0;
};

}  // namespace hallcast::testsupport
