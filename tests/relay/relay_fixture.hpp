// A real relay on 127.0.0.1 port 0 for integration tests, with helpers to connect clients.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "hallcast/testsupport/child_process.hpp"
#include "hallcast/testsupport/temp_dir.hpp"
#include "hallcast/testsupport/ws_client.hpp"

namespace hallcast::relay::test {

using Json = nlohmann::json;
using namespace hallcast::testsupport;
using namespace std::chrono_literals;

inline constexpr const char* kLive = "hallcast.live.v1";
inline constexpr const char* kControl = "hallcast.control.v1";
inline constexpr const char* kPublish = "hallcast.publish.v1";

class RelayTest : public ::testing::Test {
 protected:
  // Starts the relay with extra [relay] lines; a second call restarts it on the same state.
  void start(const std::string& relay_extra = "", const std::string& extra = "");
  void stop();
  void TearDown() override;

  // Connects; asserts 101 and the subprotocol; returns the client (hello not yet read).
  WsClient connect(const std::string& protocol, const std::string& path = "/",
                   std::vector<std::pair<std::string, std::string>> headers = {});
  // A live viewer that has read its hello (returned in *hello if given).
  WsClient viewer(const std::string& hall = "", Json* hello = nullptr);
  // A control client authenticated by message with the token; hello read.
  WsClient controller(const std::string& token, const std::string& hall = "");
  // A publisher authenticated by Bearer header.
  WsClient publisher(const std::string& hall = "");

  TempDir dir_;
  std::string config_;
  std::unique_ptr<ChildProcess> relay_;
  int port_ = 0;
};

// Parses a text message (fails the test on a non-text message or bad JSON).
Json json_of(const WsMessage& m);
// Receives text messages until one has the type (and hall, when given); null on timeout.
Json receive_json(WsClient& c, const std::string& type, std::chrono::milliseconds timeout = 5s);

}  // namespace hallcast::relay::test
