// The screen's connection to the relay's live channel (hallcast.live.v1, ?hall=ID): JSON events
// (captions, titles, state) and binary media frames. libwebsockets runs on the process's GLib main
// loop (LWS_SERVER_OPTION_GLIB + foreign_loops): every callback below runs on the main loop
// thread, so nothing is shared with another thread. Reconnects with back-off, forever.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <glib.h>

#include "hallcast/display/backoff.hpp"
#include "hallcast/display/screen_config.hpp"

struct lws;
struct lws_context;

namespace hallcast::display {

class RelayClient {
 public:
  struct Callbacks {
    std::function<void(std::string_view json)> on_text;
    std::function<void(std::span<const uint8_t> frame)> on_binary;
    std::function<void(bool connected)> on_connection;
  };

  RelayClient(GMainLoop* loop, RelayEndpoint endpoint, std::string bearer, Callbacks callbacks);
  ~RelayClient();
  RelayClient(const RelayClient&) = delete;
  RelayClient& operator=(const RelayClient&) = delete;

  void start();  // throws std::runtime_error if lws cannot be set up
  void stop();
  bool connected() const { return connected_; }

 private:
  static int callback(lws* wsi, int reason, void* user, void* in, size_t len);
  int handle(lws* wsi, int reason, void* in, size_t len);
  static gboolean on_retry(gpointer self);
  void connect();
  void schedule_retry(const char* why);
  void receive(lws* wsi, const void* in, size_t len);

  GMainLoop* loop_;
  RelayEndpoint endpoint_;
  std::string bearer_;
  Callbacks callbacks_;
  lws_context* context_ = nullptr;
  lws* wsi_ = nullptr;
  bool connected_ = false;
  bool stopping_ = false;
  guint retry_source_ = 0;
  Backoff backoff_;
  std::vector<uint8_t> message_;  // the message being reassembled from fragments
  bool message_binary_ = false;
  bool message_too_big_ = false;
};

}  // namespace hallcast::display
