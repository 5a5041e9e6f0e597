#include "hallcast/streamer/fmp4_muxer.hpp"

#include <cstring>

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

#include "hallcast/common/logging.hpp"
#include "hallcast/streamer/streamer_limits.hpp"

namespace hallcast::streamer {
namespace {

constexpr int kAvioBufferSize = 64 * 1024;
constexpr AVRational kMicro{1, 1000000};
constexpr int kAacFrameSamples = 1024;

auto log() {
  return logging::get("streamer");
}

void set_extradata(AVCodecParameters* par, const std::vector<uint8_t>& cfg) {
  par->extradata = static_cast<uint8_t*>(av_mallocz(cfg.size() + AV_INPUT_BUFFER_PADDING_SIZE));
  std::memcpy(par->extradata, cfg.data(), cfg.size());
  par->extradata_size = static_cast<int>(cfg.size());
}

std::string av_error(int rc) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(rc, buf, sizeof buf);
  return buf;
}

}  // namespace

Fmp4Muxer::Fmp4Muxer(Output out, int framerate) : out_(std::move(out)), framerate_(framerate) {}

Fmp4Muxer::~Fmp4Muxer() {
  std::lock_guard lock(mu_);
  close_locked();
}

void Fmp4Muxer::set_video_config(std::span<const uint8_t> avcc, int width, int height) {
  std::lock_guard lock(mu_);
  if (!video_cfg_.empty() || avcc.empty()) return;
  video_cfg_.assign(avcc.begin(), avcc.end());
  width_ = width;
  height_ = height;
  open_locked();
}

void Fmp4Muxer::set_audio_config(AudioCodec codec, std::span<const uint8_t> config, int rate,
                                 int channels) {
  std::lock_guard lock(mu_);
  if (!audio_cfg_.empty() || config.empty()) return;
  audio_codec_ = codec;
  audio_cfg_.assign(config.begin(), config.end());
  rate_ = rate;
  channels_ = channels;
  open_locked();
}

bool Fmp4Muxer::has_video_config() const {
  std::lock_guard lock(mu_);
  return !video_cfg_.empty();
}

bool Fmp4Muxer::has_audio_config() const {
  std::lock_guard lock(mu_);
  return !audio_cfg_.empty();
}

int Fmp4Muxer::on_write(void* self, uint8_t* buf, int size) {
  auto* m = static_cast<Fmp4Muxer*>(self);
  m->pending_.insert(m->pending_.end(), buf, buf + size);
  return size;
}

void Fmp4Muxer::open_locked() {
  if (open_ || video_cfg_.empty() || audio_cfg_.empty()) return;
  if (avformat_alloc_output_context2(&ctx_, nullptr, "mp4", nullptr) < 0 || !ctx_) {
    log()->error("fmp4: cannot create the mp4 muxer");
    return;
  }
  auto* buffer = static_cast<uint8_t*>(av_malloc(kAvioBufferSize));
  ctx_->pb =
      avio_alloc_context(buffer, kAvioBufferSize, 1, this, nullptr, &Fmp4Muxer::on_write, nullptr);
  ctx_->pb->seekable = 0;
  ctx_->flags |= AVFMT_FLAG_CUSTOM_IO;

  AVStream* v = avformat_new_stream(ctx_, nullptr);
  v->codecpar->codec_type = AVMEDIA_TYPE_VIDEO;
  v->codecpar->codec_id = AV_CODEC_ID_H264;
  v->codecpar->width = width_;
  v->codecpar->height = height_;
  v->time_base = AVRational{1, 90000};
  set_extradata(v->codecpar, video_cfg_);

  AVStream* a = avformat_new_stream(ctx_, nullptr);
  a->codecpar->codec_type = AVMEDIA_TYPE_AUDIO;
  const bool opus = audio_codec_ == AudioCodec::Opus;
  a->codecpar->codec_id = opus ? AV_CODEC_ID_OPUS : AV_CODEC_ID_AAC;
  a->codecpar->sample_rate = rate_;
  av_channel_layout_default(&a->codecpar->ch_layout, channels_);
  a->codecpar->frame_size = opus ? rate_ * limits::kOpusFrameMs / 1000 : kAacFrameSamples;
  a->time_base = AVRational{1, rate_};
  set_extradata(a->codecpar, audio_cfg_);

  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "movflags", "empty_moov+default_base_moof+frag_custom", 0);
  int rc = avformat_write_header(ctx_, &opts);
  av_dict_free(&opts);
  if (rc < 0) {
    log()->error("fmp4: cannot write the init segment: {}", av_error(rc));
    close_locked();
    return;
  }
  avio_flush(ctx_->pb);
  open_ = true;
  media::FrameHeader h;
  h.kind = media::FrameKind::Init;
  h.capture_time_us = media::wall_clock_us();
  out_(h, std::exchange(pending_, {}));
}

void Fmp4Muxer::close_locked() {
  if (!ctx_) return;
  if (ctx_->pb) {
    av_freep(&ctx_->pb->buffer);
    avio_context_free(&ctx_->pb);
  }
  avformat_free_context(ctx_);
  ctx_ = nullptr;
  open_ = false;
}

void Fmp4Muxer::write_video(std::span<const uint8_t> au, int64_t pts_us, bool keyframe,
                            uint64_t capture_us) {
  std::lock_guard lock(mu_);
  if (!open_ || (!started_ && !keyframe)) {
    ++dropped_;
    return;
  }
  if (!started_) {
    started_ = true;
    base_us_ = pts_us;
  }
  AVStream* v = ctx_->streams[0];
  AVPacket* pkt = av_packet_alloc();
  pkt->data = const_cast<uint8_t*>(au.data());
  pkt->size = static_cast<int>(au.size());
  pkt->stream_index = 0;
  pkt->pts = pkt->dts = av_rescale_q(pts_us - base_us_, kMicro, v->time_base);
  pkt->duration = av_rescale_q(1000000 / framerate_, kMicro, v->time_base);
  if (keyframe) pkt->flags |= AV_PKT_FLAG_KEY;
  int rc = av_write_frame(ctx_, pkt);
  av_packet_free(&pkt);
  if (rc >= 0) rc = av_write_frame(ctx_, nullptr);  // frag_custom: cut the fragment now
  if (rc < 0) {
    ++dropped_;
    log()->warn("fmp4: video frame not muxed: {}", av_error(rc));
    return;
  }
  avio_flush(ctx_->pb);
  last_video_pts_us_ = pts_us;
  last_video_capture_us_ = capture_us;
  if (pending_.empty()) return;
  media::FrameHeader h;
  h.kind = media::FrameKind::Fragment;
  h.keyframe = keyframe;
  h.media_time_us = static_cast<uint64_t>(pts_us - base_us_);
  h.capture_time_us = capture_us;
  ++fragments_;
  out_(h, std::exchange(pending_, {}));
}

void Fmp4Muxer::write_audio(std::span<const uint8_t> frame, int64_t pts_us, int64_t duration_us) {
  std::lock_guard lock(mu_);
  if (!open_ || !started_ || pts_us < base_us_) {
    ++dropped_;
    return;
  }
  AVStream* a = ctx_->streams[1];
  AVPacket* pkt = av_packet_alloc();
  pkt->data = const_cast<uint8_t*>(frame.data());
  pkt->size = static_cast<int>(frame.size());
  pkt->stream_index = 1;
  pkt->pts = pkt->dts = av_rescale_q(pts_us - base_us_, kMicro, a->time_base);
  pkt->duration = duration_us > 0
                      ? av_rescale_q(duration_us, kMicro, a->time_base)
                      : av_rescale_q(a->codecpar->frame_size, AVRational{1, rate_}, a->time_base);
  pkt->flags |= AV_PKT_FLAG_KEY;
  int rc = av_write_frame(ctx_, pkt);
  av_packet_free(&pkt);
  // Out at once in a fragment of its own: waiting for the next video frame (0-33 ms) kept the
  // newest audio that much behind in every viewer's buffer (docs/latency.md).
  if (rc >= 0) rc = av_write_frame(ctx_, nullptr);
  if (rc < 0) {
    if (dropped_++ == 0) log()->warn("fmp4: audio frame not muxed: {}", av_error(rc));
    return;
  }
  avio_flush(ctx_->pb);
  if (pending_.empty()) return;
  media::FrameHeader h;
  h.kind = media::FrameKind::Fragment;
  h.audio_only = true;
  h.media_time_us = static_cast<uint64_t>(pts_us - base_us_);
  // Audio and video of a source share one time line, so the newest video frame's capture time
  // maps this audio's time onto the capture clock the same way (CaptionClock stays consistent).
  h.capture_time_us = static_cast<uint64_t>(static_cast<int64_t>(last_video_capture_us_) +
                                            (pts_us - last_video_pts_us_));
  ++audio_fragments_;
  out_(h, std::exchange(pending_, {}));
}

uint64_t Fmp4Muxer::fragments() const {
  std::lock_guard lock(mu_);
  return fragments_;
}

uint64_t Fmp4Muxer::audio_fragments() const {
  std::lock_guard lock(mu_);
  return audio_fragments_;
}

uint64_t Fmp4Muxer::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

}  // namespace hallcast::streamer
