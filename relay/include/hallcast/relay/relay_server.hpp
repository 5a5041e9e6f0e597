// The relay process: one libwebsockets context on one service thread (the thread calling run())
// serving HTTP and the three WebSocket channels on one port.
#pragma once

#include <memory>
#include <string>

#include "hallcast/common/config.hpp"

namespace hallcast::relay {

class RelayServer {
 public:
  // listen: "HOST:PORT" overriding relay.listen (empty = the config's). Throws
  // std::runtime_error when state (caption logs) cannot be opened.
  RelayServer(const config::Config& cfg, std::string listen);
  ~RelayServer();
  RelayServer(const RelayServer&) = delete;
  RelayServer& operator=(const RelayServer&) = delete;

  // Serves until SIGTERM/SIGINT. Prints "hallcast-relay listening on HOST:PORT" once serving.
  // Returns the process exit code.
  int run();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace hallcast::relay
