// One outgoing WebSocket message, allocated once with room in front for the transport's frame
// header (LWS_PRE for libwebsockets) and shared by reference by every client that sends it.
// Immutable after construction: safe to read from any thread; refcounted by shared_ptr.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace hallcast::relay {

class SharedBuffer {
 public:
  SharedBuffer(size_t headroom, std::span<const uint8_t> payload, bool binary)
      : bytes_(headroom + payload.size()), headroom_(headroom), binary_(binary) {
    if (!payload.empty()) std::copy(payload.begin(), payload.end(), bytes_.begin() + headroom);
  }
  // The payload (what goes on the wire), preceded by headroom() writable bytes.
  uint8_t* payload() { return bytes_.data() + headroom_; }
  const uint8_t* payload() const { return bytes_.data() + headroom_; }
  size_t size() const { return bytes_.size() - headroom_; }
  size_t headroom() const { return headroom_; }
  bool binary() const { return binary_; }
  std::string_view view() const { return {reinterpret_cast<const char*>(payload()), size()}; }

 private:
  std::vector<uint8_t> bytes_;
  size_t headroom_;
  bool binary_;
};

// Shared, mutable only through the one writer that owns the socket (lws writes its frame header
// into the headroom; every client writes the same header bytes for the same payload size).
using BufferRef = std::shared_ptr<SharedBuffer>;

inline BufferRef make_text(size_t headroom, std::string_view text) {
  return std::make_shared<SharedBuffer>(
      headroom, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()), false);
}
inline BufferRef make_binary(size_t headroom, std::span<const uint8_t> bytes) {
  return std::make_shared<SharedBuffer>(headroom, bytes, true);
}

}  // namespace hallcast::relay
