#include "hallcast/common/media_frame.hpp"

#include <chrono>
#include <cstring>

namespace hallcast::media {
namespace {

void put_be(uint8_t* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(v & 0xff);
    v >>= 8;
  }
}

uint64_t get_be(const uint8_t* in, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | in[i];
  return v;
}

}  // namespace

void encode_header(const FrameHeader& h, uint8_t* out) {
  out[0] = kFrameVersion;
  out[1] = static_cast<uint8_t>(h.kind);
  out[2] = static_cast<uint8_t>((h.keyframe ? 1 : 0) | (h.audio_only ? 2 : 0));
  out[3] = static_cast<uint8_t>(kFrameHeaderSize);
  put_be(out + 4, h.media_time_us, 8);
  put_be(out + 12, h.capture_time_us, 8);
  put_be(out + 20, h.sequence, 4);
}

std::vector<uint8_t> encode_frame(const FrameHeader& h, std::span<const uint8_t> payload) {
  std::vector<uint8_t> out(kFrameHeaderSize + payload.size());
  encode_header(h, out.data());
  if (!payload.empty()) std::memcpy(out.data() + kFrameHeaderSize, payload.data(), payload.size());
  return out;
}

std::optional<FrameHeader> decode_header(std::span<const uint8_t> frame) {
  if (frame.size() < kFrameHeaderSize) return std::nullopt;
  if (frame[0] != kFrameVersion || frame[1] > 1 || frame[3] < kFrameHeaderSize ||
      frame[3] > frame.size())
    return std::nullopt;
  FrameHeader h;
  h.kind = static_cast<FrameKind>(frame[1]);
  h.keyframe = (frame[2] & 1) != 0;
  h.audio_only = (frame[2] & 2) != 0;
  h.media_time_us = get_be(frame.data() + 4, 8);
  h.capture_time_us = get_be(frame.data() + 12, 8);
  h.sequence = static_cast<uint32_t>(get_be(frame.data() + 20, 4));
  return h;
}

std::span<const uint8_t> payload(std::span<const uint8_t> frame) {
  if (!decode_header(frame)) return {};
  return frame.subspan(frame[3]);
}

uint64_t wall_clock_us() {
  using namespace std::chrono;
  return static_cast<uint64_t>(
      duration_cast<microseconds>(system_clock::now().time_since_epoch()).count());
}

}  // namespace hallcast::media
