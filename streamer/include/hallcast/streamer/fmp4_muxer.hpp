// Packages encoded H.264 + AAC (or Opus) into fragmented MP4 for MediaSource: an init segment
// (ftyp+moov), then one fragment (moof+mdat) per video frame, emitted as soon as that frame is
// written — the lowest latency a browser can get (PLATFORM-NOTES: ~110 ms vs ~1.2 s for GOP
// fragments). Each audio frame likewise leaves at once in a fragment of its own (header flag
// audio_only), rather than waiting for the next video frame: a player can only play as far as both
// tracks are buffered, so audio held back 0-33 ms was latency (and stalls) for every viewer.
//
// Uses libavformat's mp4 muxer with a memory AVIO and movflags
// empty_moov+default_base_moof+frag_custom, flushing after every video and audio frame.
//
// Thread-safe: the program's video and audio output threads call it concurrently (one mutex);
// the output callback runs on the calling thread with the mutex held, so it must be quick.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <vector>

#include "hallcast/common/media_frame.hpp"

struct AVFormatContext;

namespace hallcast::streamer {

enum class AudioCodec { Aac, Opus };

class Fmp4Muxer {
 public:
  using Output = std::function<void(const media::FrameHeader&, std::vector<uint8_t>&&)>;

  Fmp4Muxer(Output out, int framerate);
  ~Fmp4Muxer();
  Fmp4Muxer(const Fmp4Muxer&) = delete;
  Fmp4Muxer& operator=(const Fmp4Muxer&) = delete;

  // Decoder configurations (avcC; AudioSpecificConfig for AAC, OpusHead for Opus); the init
  // segment is written once both are known. Later calls are ignored (the program format never
  // changes while running).
  void set_video_config(std::span<const uint8_t> avcc, int width, int height);
  void set_audio_config(AudioCodec codec, std::span<const uint8_t> config, int rate, int channels);
  bool has_video_config() const;
  bool has_audio_config() const;

  // Length-prefixed (AVCC) access unit. Frames before the first keyframe are dropped.
  void write_video(std::span<const uint8_t> au, int64_t pts_us, bool keyframe, uint64_t capture_us);
  // One encoded audio frame; `duration_us` <= 0: the codec's usual frame (AAC 1024 samples,
  // Opus 10 ms).
  void write_audio(std::span<const uint8_t> frame, int64_t pts_us, int64_t duration_us = 0);

  uint64_t fragments() const;        // video fragments
  uint64_t audio_fragments() const;  // audio-only fragments
  uint64_t dropped() const;          // packets dropped before the stream started or on muxer errors

 private:
  static int on_write(void* self, uint8_t* buf, int size);
  void open_locked();
  void close_locked();

  Output out_;
  int framerate_;
  mutable std::mutex mu_;
  AVFormatContext* ctx_ = nullptr;
  std::vector<uint8_t> video_cfg_, audio_cfg_;
  AudioCodec audio_codec_ = AudioCodec::Aac;
  int width_ = 0, height_ = 0, rate_ = 0, channels_ = 0;
  bool open_ = false;
  bool started_ = false;                // first keyframe written
  int64_t base_us_ = 0;                 // PTS of the first keyframe: media time zero
  std::vector<uint8_t> pending_;        // bytes written by the muxer since the last take
  int64_t last_video_pts_us_ = 0;       // the newest video frame's PTS and capture time: the
  uint64_t last_video_capture_us_ = 0;  // audio's capture time is derived from them
  uint64_t fragments_ = 0;
  uint64_t audio_fragments_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace hallcast::streamer
