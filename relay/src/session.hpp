// One WebSocket connection (live, control or publish). Created on ESTABLISHED, deleted on
// CLOSED; owned by the relay's service thread like everything lws touches.
#pragma once

#include <libwebsockets.h>

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "hallcast/relay/fragment_ring.hpp"
#include "hallcast/relay/messages.hpp"
#include "hallcast/relay/shared_buffer.hpp"

namespace hallcast::relay {

enum class Channel { Live, Control, Publish };
std::string_view to_string(Channel c);

struct Session;
struct Hall;
// A timer tied to a session; standard layout with the sul first, so the sul's address is the
// timer's address.
struct SessionTimer {
  lws_sorted_usec_list_t sul;
  Session* session;
};

struct Session {
  lws* wsi = nullptr;
  int raw_fd = -1;      // its plain TCP socket, for the parallel fan-out; -1 = TLS or HTTP/2 stream
  uint64_t serial = 0;  // unique per connection, for routing answers to a closed-safe id
  Channel channel = Channel::Live;
  Role role = Role::None;
  std::string hall;
  std::string peer;           // remote address (for per-address caps and logs)
  bool counted = false;       // counted in the connection caps
  bool attached = false;      // publisher: is the hall's current publisher
  bool auth_pending = false;  // a failed auth is being delayed: ignore further input

  Hall* joined = nullptr;          // the hall whose clients it is in (Hub::join / leave)
  size_t live_index = 0;           // live channel: its position in joined->live_sessions
  ViewerCursor cursor;             // live/control: media position
  uint64_t timed_seq = 0;          // live: the fragment whose fan-out waits for it (0 = none)
  std::deque<BufferRef> text_out;  // text lane: sent before any media
  int close_code = 0;              // nonzero: close with this code at the next write
  std::string close_reason;

  std::vector<uint8_t> rx;  // the message being assembled
  bool rx_binary = false;

  SessionTimer auth_timer{};  // delayed auth failure
};

// What lws keeps per connection (zeroed by lws): a pointer to our Session.
struct PerSession {
  Session* session;
  // HTTP responses built in memory (health, metrics, state, captions)
  std::string* http_body;
  size_t http_sent;
};

}  // namespace hallcast::relay
