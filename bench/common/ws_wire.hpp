// Client side of RFC 6455 on a raw socket, just what the benchmark tools need: the upgrade
// request, the check of the server's answer, masked frames out, and a streaming parser for the
// server's (unmasked) frames in. Plain functions and one value type: no threads, no sockets.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hallcast::bench {

enum Opcode : uint8_t {
  kContinuation = 0,
  kText = 1,
  kBinary = 2,
  kClose = 8,
  kPing = 9,
  kPong = 10
};

// Text and control payloads are kept up to this size (captions, hello); binary payloads are
// counted, and only their first kHeadBytes are kept (the media frame header).
inline constexpr size_t kMaxKeptText = 64 * 1024;
inline constexpr size_t kHeadBytes = 24;

std::string make_upgrade_request(std::string_view host_port, std::string_view path,
                                 std::string_view subprotocol, std::string_view bearer_token);

struct UpgradeAnswer {
  enum Status { Incomplete, Accepted, Refused } status = Incomplete;
  size_t header_bytes = 0;  // bytes of buf that belong to the HTTP answer
  std::string detail;       // status line when refused
};
// Checks the server's answer: 101 and the subprotocol we asked for.
UpgradeAnswer parse_upgrade_answer(std::string_view buf, std::string_view subprotocol);

// Appends a frame header (FIN set, the payload length n; the mask bit if masked: the 4-byte
// key is the caller's) to out.
void append_frame_header(std::vector<uint8_t>& out, uint8_t opcode, uint64_t n, bool masked);

// Appends one masked client frame (FIN set) to out.
void append_client_frame(std::vector<uint8_t>& out, uint8_t opcode,
                         std::span<const uint8_t> payload, uint32_t mask_key);

struct WsMessage {
  uint8_t opcode = 0;
  uint64_t size = 0;
  std::array<uint8_t, kHeadBytes> head{};
  size_t head_len = 0;
  std::string text;  // text / control payload (bounded by kMaxKeptText)

  void start(uint8_t op) {
    opcode = op;
    size = 0;
    head_len = 0;
    text.clear();
  }
  void append(const uint8_t* p, size_t n);
};

// Streaming parser of server frames. Owned by whichever thread owns the socket.
class FrameParser {
 public:
  // Calls on_message(const WsMessage&) for each complete data message and for each control
  // frame. Returns false on a protocol error (masked server frame, bad continuation).
  template <class OnMessage>
  bool feed(const uint8_t* p, size_t n, OnMessage&& on_message);
  // Payload bytes the caller may discard unread (recv with MSG_TRUNC): the rest of a binary
  // data frame whose first kHeadBytes are already kept.
  uint64_t skippable() const {
    return in_payload_ && frame_opcode_ < kClose && msg_.opcode == kBinary &&
                   msg_.head_len == kHeadBytes
               ? remaining_
               : 0;
  }
  // Accounts for n (<= skippable()) discarded bytes; completes the message if they were its last.
  template <class OnMessage>
  void skip(uint64_t n, OnMessage&& on_message) {
    msg_.size += n;
    remaining_ -= n;
    if (remaining_ == 0) finish_frame(on_message);
  }

 private:
  bool parse_header();  // hdr_ complete -> frame fields; false on protocol error
  template <class OnMessage>
  void finish_frame(OnMessage&& on_message);

  std::array<uint8_t, 14> hdr_{};
  size_t hdr_len_ = 0;
  bool in_payload_ = false;
  uint64_t remaining_ = 0;
  uint8_t frame_opcode_ = 0;
  bool frame_fin_ = false;
  bool in_message_ = false;
  WsMessage msg_;
  WsMessage ctrl_;
};

size_t frame_header_need(const uint8_t* hdr, size_t have);

template <class OnMessage>
bool FrameParser::feed(const uint8_t* p, size_t n, OnMessage&& on_message) {
  while (n > 0) {
    if (!in_payload_) {
      size_t need = frame_header_need(hdr_.data(), hdr_len_);
      while (hdr_len_ < need && n > 0) {
        hdr_[hdr_len_++] = *p++;
        --n;
        need = frame_header_need(hdr_.data(), hdr_len_);
      }
      if (hdr_len_ < need) return true;
      if (!parse_header()) return false;
    }
    WsMessage& target = frame_opcode_ >= kClose ? ctrl_ : msg_;
    size_t k = static_cast<size_t>(std::min<uint64_t>(remaining_, n));
    target.append(p, k);
    p += k;
    n -= k;
    remaining_ -= k;
    if (remaining_ == 0) finish_frame(on_message);
  }
  return true;
}

template <class OnMessage>
void FrameParser::finish_frame(OnMessage&& on_message) {
  in_payload_ = false;
  hdr_len_ = 0;
  if (frame_opcode_ >= kClose) {
    on_message(ctrl_);
  } else if (frame_fin_) {
    in_message_ = false;
    on_message(msg_);
  }
}

}  // namespace hallcast::bench
