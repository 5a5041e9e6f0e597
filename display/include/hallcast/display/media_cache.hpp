// The relay's media as a late joiner needs it: the last init segment and the fragments since the
// last keyframe, bounded in bytes. Lets the screen start the relay input at once when SRT fails.
// Owned by the main loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "hallcast/common/media_frame.hpp"

namespace hallcast::display {

class MediaCache {
 public:
  explicit MediaCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  enum class Added { Init, Keyframe, Fragment, Dropped };
  // Takes one binary frame (header + fMP4). A new init segment starts over; a fragment before
  // any keyframe, or one that would exceed the bound, is dropped (Dropped).
  Added add(std::span<const uint8_t> frame);
  void clear();

  const std::vector<uint8_t>& init() const { return init_; }
  bool ready() const { return !init_.empty() && !gop_.empty(); }
  // fMP4 payloads from the last keyframe on, oldest first.
  const std::vector<std::vector<uint8_t>>& gop() const { return gop_; }
  uint32_t init_generation() const { return generation_; }

 private:
  size_t max_bytes_;
  size_t bytes_ = 0;
  std::vector<uint8_t> init_;
  std::vector<std::vector<uint8_t>> gop_;
  uint32_t generation_ = 0;
};

}  // namespace hallcast::display
