// Publishes the program to the relay on hallcast.publish.v1: a libwebsockets client on its own
// service thread (one lws thread; every other thread only queues and calls lws_cancel_service).
// Sends the init segment on every (re)connect, then fragments; reconnects with back-off; while
// the relay is slow or away the media queue is bounded: it keeps at most the current GOP and
// drops to the next keyframe when over its byte limit (counted). Text commands from the relay
// are handed to the main loop; text (state, ack/error) goes out ahead of media.
//
// Thread ownership: the lws service thread owns the connection and the context; publish() is
// called from a GStreamer streaming thread, send_text() from the main loop; commands are
// delivered on the main context given at construction.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <glib.h>
#include <nlohmann/json.hpp>

#include "hallcast/common/media_frame.hpp"

struct lws;
struct lws_context;

namespace hallcast::streamer {

class RelayPublisher {
 public:
  struct Options {
    std::string url;  // ws://host:port[/path]
    std::string hall;
    std::string token;  // publisher token (never logged)
  };
  using CommandFn = std::function<void(const nlohmann::json&)>;  // main loop

  RelayPublisher(Options opts, CommandFn on_command, GMainContext* main);
  ~RelayPublisher();
  RelayPublisher(const RelayPublisher&) = delete;
  RelayPublisher& operator=(const RelayPublisher&) = delete;

  // Called on the main loop after every (re)connect, e.g. to send the current state.
  void set_on_connected(std::function<void()> fn) { on_connected_ = std::move(fn); }

  void start();  // throws std::invalid_argument for a bad URL, std::runtime_error if lws fails
  void stop();

  void publish(const media::FrameHeader& h, std::vector<uint8_t>&& payload);
  void send_text(std::string json);

  bool connected() const { return connected_.load(); }
  uint64_t fragments_sent() const { return sent_.load(); }
  uint64_t fragments_dropped() const { return dropped_.load(); }
  uint64_t connects() const { return connects_.load(); }
  // Media waiting for the relay (fragments, bytes): what a slow or absent uplink holds back.
  size_t queued_fragments() const;
  size_t queued_bytes() const;

  struct Impl;  // lws callback glue (relay_publisher.cpp)

 private:
  struct Media {
    media::FrameHeader header;
    std::shared_ptr<const std::vector<uint8_t>> payload;
  };
  void run();
  void connect();
  void schedule_reconnect();
  void on_established(lws* wsi);
  void on_closed(const char* why);
  void on_writeable(lws* wsi);
  void on_receive(lws* wsi, const void* in, size_t len, bool final_fragment, bool binary);
  void on_wakeup();
  bool write_next(lws* wsi);
  void post_to_main(std::function<void()> fn);

  Options opts_;
  CommandFn on_command_;
  std::function<void()> on_connected_;
  GMainContext* main_;
  std::shared_ptr<std::atomic<bool>> alive_ = std::make_shared<std::atomic<bool>>(true);

  std::string address_, path_;
  int port_ = 0;
  bool tls_ = false;

  lws_context* context_ = nullptr;
  std::thread thread_;
  std::atomic<bool> stopping_{false};

  // Shared between threads (mu_).
  mutable std::mutex mu_;
  std::deque<Media> media_;
  size_t media_bytes_ = 0;
  bool wait_keyframe_ = false;
  std::deque<std::string> text_;
  std::shared_ptr<const std::vector<uint8_t>> init_;

  // Service thread only.
  lws* wsi_ = nullptr;
  bool need_init_ = false;
  uint32_t sequence_ = 0;
  int retry_ms_ = 0;
  std::string rx_;  // a text message being reassembled
  bool rx_too_big_ = false;
  void* sul_ = nullptr;  // lws_sorted_usec_list_t (opaque here)

  std::atomic<bool> connected_{false};
  std::atomic<uint64_t> sent_{0}, dropped_{0}, connects_{0};
};

}  // namespace hallcast::streamer
