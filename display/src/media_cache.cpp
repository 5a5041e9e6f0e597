#include "hallcast/display/media_cache.hpp"

namespace hallcast::display {

MediaCache::Added MediaCache::add(std::span<const uint8_t> frame) {
  auto header = media::decode_header(frame);
  if (!header) return Added::Dropped;
  auto payload = media::payload(frame);
  if (header->kind == media::FrameKind::Init) {
    init_.assign(payload.begin(), payload.end());
    gop_.clear();
    bytes_ = init_.size();
    ++generation_;
    return Added::Init;
  }
  if (init_.empty()) return Added::Dropped;
  if (header->keyframe) {
    gop_.clear();
    bytes_ = init_.size();
  } else if (gop_.empty() || bytes_ + payload.size() > max_bytes_) {
    return Added::Dropped;
  }
  if (bytes_ + payload.size() > max_bytes_) return Added::Dropped;
  gop_.emplace_back(payload.begin(), payload.end());
  bytes_ += payload.size();
  return header->keyframe ? Added::Keyframe : Added::Fragment;
}

void MediaCache::clear() {
  init_.clear();
  gop_.clear();
  bytes_ = 0;
}

}  // namespace hallcast::display
