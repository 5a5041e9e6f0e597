// A blocking WebSocket client connection for the benchmark source (publisher, captioner).
// Owned by the source's one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "../common/ws_wire.hpp"

namespace hallcast::bench {

class BlockingWs {
 public:
  // Connects and upgrades; throws std::runtime_error with the reason on failure.
  BlockingWs(const std::string& host, int port, const std::string& path,
             const std::string& subprotocol, const std::string& bearer_token);
  ~BlockingWs();
  BlockingWs(const BlockingWs&) = delete;
  BlockingWs& operator=(const BlockingWs&) = delete;

  int fd() const { return fd_; }
  // Sends one whole message (blocks until the kernel took it); throws on a broken connection.
  void send(uint8_t opcode, std::span<const uint8_t> payload);
  void send_text(const std::string& text) {
    send(kText, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
  }
  // Reads what is available without blocking; calls on_text for text messages, answers pings.
  // Returns false once the server closed the connection.
  bool drain(const std::function<void(const std::string&)>& on_text);

 private:
  int fd_ = -1;
  FrameParser parser_;
  std::vector<uint8_t> out_;
  uint32_t mask_ = 0x1f2e3d4c;
};

}  // namespace hallcast::bench
