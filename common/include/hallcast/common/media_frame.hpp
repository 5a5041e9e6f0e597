// Binary media frames on hallcast.publish.v1 and hallcast.live.v1 (contract: docs/protocol.md).
//
//   offset size field
//   0      1    version (1)
//   1      1    kind: 0 = init segment (ftyp+moov), 1 = fragment (moof+mdat)
//   2      1    flags: bit 0 = fragment starts with a keyframe, bit 1 = audio only (no video)
//   3      1    header length in bytes (24 for version 1); payload starts here
//   4      8    media timestamp, microseconds, big-endian (first sample's PTS)
//   12     8    capture wall-clock time, microseconds since the Unix epoch, big-endian
//   20     4    sequence number, big-endian, per publisher connection
//   24     ...  fMP4 bytes
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace hallcast::media {

enum class FrameKind : uint8_t { Init = 0, Fragment = 1 };

inline constexpr uint8_t kFrameVersion = 1;
inline constexpr size_t kFrameHeaderSize = 24;

struct FrameHeader {
  FrameKind kind = FrameKind::Fragment;
  bool keyframe = false;
  bool audio_only = false;  // a fragment with audio samples and no video frame
  uint64_t media_time_us = 0;
  uint64_t capture_time_us = 0;
  uint32_t sequence = 0;
};

// Writes the header into out[0..kFrameHeaderSize).
void encode_header(const FrameHeader& h, uint8_t* out);
// Header + payload in one buffer.
std::vector<uint8_t> encode_frame(const FrameHeader& h, std::span<const uint8_t> payload);
// Parses a frame's header; nullopt if it is too short or of an unknown version/kind.
std::optional<FrameHeader> decode_header(std::span<const uint8_t> frame);
// The fMP4 bytes after the header (empty if the header does not parse).
std::span<const uint8_t> payload(std::span<const uint8_t> frame);

uint64_t wall_clock_us();

}  // namespace hallcast::media
