// Player: choosing, starting and losing inputs; the relay's media; the screenshot hook.
#include <cstdio>

#include <gst/video/video.h>

#include "hallcast/common/logging.hpp"
#include "hallcast/display/limits.hpp"
#include "hallcast/display/player.hpp"

namespace hallcast::display {
namespace {

constexpr int64_t kMs = 1000;

std::shared_ptr<spdlog::logger> log() {
  return logging::get("display");
}

}  // namespace

void Player::tick() {
  if (pipeline_ == nullptr) return;
  const int64_t now = g_get_monotonic_time();
  check_lost(srt_, now, srt_backoff_, srt_retry_at_us_);
  check_lost(relay_, now, relay_backoff_, relay_retry_at_us_);
  maybe_start_srt(now);

  if (healthy(srt_.get(), now)) {
    srt_bad_since_us_ = 0;
    if (srt_good_since_us_ == 0) srt_good_since_us_ = now;
  } else {
    srt_good_since_us_ = 0;
    if (srt_bad_since_us_ == 0) srt_bad_since_us_ = now;
  }
  if (relay_ && screen_.play_srt && srt_good_since_us_ != 0 &&
      now - srt_good_since_us_ >= limits::kSrtSteadyMs * kMs) {
    detach(relay_, "SRT is back");
  }
  maybe_start_relay(now);
  select(now);
}

void Player::maybe_start_srt(int64_t now_us) {
  if (!screen_.play_srt || srt_ || now_us < srt_retry_at_us_) return;
  SrtInput in{screen_.srt_url, screen_.srt_latency_ms, screen_.srt_passphrase};
  attach(srt_, Receiver::make_srt(in, options_.format));
}

void Player::maybe_start_relay(int64_t now_us) {
  if (!screen_.play_relay || relay_ || now_us < relay_retry_at_us_) return;
  const bool srt_out =
      !screen_.play_srt ||
      (srt_bad_since_us_ != 0 && now_us - srt_bad_since_us_ >= limits::kFallbackAfterMs * kMs);
  const MediaCache& cache = relay_media_.cache;
  const bool relay_live =
      relay_media_.last_us != 0 && now_us - relay_media_.last_us < limits::kLossTimeoutMs * kMs;
  if (!srt_out || !relay_live || !cache.ready()) return;
  attach(relay_,
         Receiver::make_relay(options_.format, int64_t(limits::kRelayPlayoutDelayMs) * 1000000,
                              int64_t(limits::kRelayResyncMs) * 1000000));
  relay_generation_ = cache.init_generation();
  relay_->push(cache.init());
  for (const auto& fragment : cache.gop()) relay_->push(fragment);
}

MediaCache::Added RelayMedia::add(std::span<const uint8_t> frame) {
  last_us = g_get_monotonic_time();
  return cache.add(frame);
}

void Player::on_relay_media(MediaCache::Added added) {
  if (!relay_ || added == MediaCache::Added::Dropped) return;
  const MediaCache& cache = relay_media_.cache;
  if (added == MediaCache::Added::Init) {
    if (cache.init_generation() != relay_generation_) {
      detach(relay_, "new init segment");
      relay_retry_at_us_ = 0;  // restart from the cache as soon as a keyframe is in
    }
    return;
  }
  if (!relay_->push(cache.gop().back())) log()->debug("relay input refused a fragment");
}

void Player::select(int64_t now_us) {
  Showing want = Showing::Standby;
  Receiver* from = nullptr;
  if (healthy(srt_.get(), now_us)) {
    want = Showing::Srt;
    from = srt_.get();
  } else if (healthy(relay_.get(), now_us)) {
    want = Showing::Relay;
    from = relay_.get();
  }
  if (want == showing_) return;
  GstPad* pad = nullptr;
  if (from != nullptr) {
    GstPad* src = gst_element_get_static_pad(from->bin(), "src");
    pad = gst_pad_get_peer(src);
    gst_object_unref(src);
  }
  g_object_set(selector_, "active-pad", pad != nullptr ? pad : standby_pad_, nullptr);
  if (pad != nullptr) gst_object_unref(pad);
  showing_ = want;
  overlays_->set_standby(want == Showing::Standby);
  log()->info("showing {}", to_string(want));
  if (on_showing) on_showing(want);
}

bool Player::screenshot(const std::string& path, std::string* why) {
  GstSample* sample = nullptr;
  if (sink_ != nullptr && g_object_class_find_property(G_OBJECT_GET_CLASS(sink_), "last-sample")) {
    g_object_get(sink_, "last-sample", &sample, nullptr);
  }
  if (sample == nullptr) {
    *why = "no frame rendered yet";
    return false;
  }
  GstCaps* png = gst_caps_new_empty_simple("image/png");
  GError* error = nullptr;
  GstSample* converted = gst_video_convert_sample(sample, png, 2 * GST_SECOND, &error);
  gst_caps_unref(png);
  gst_sample_unref(sample);
  if (converted == nullptr) {
    *why = error != nullptr ? error->message : "conversion failed";
    g_clear_error(&error);
    return false;
  }
  GstBuffer* buf = gst_sample_get_buffer(converted);
  GstMapInfo map;
  bool ok = false;
  if (gst_buffer_map(buf, &map, GST_MAP_READ)) {
    std::string tmp = path + ".tmp";
    if (FILE* f = std::fopen(tmp.c_str(), "wb")) {
      ok = std::fwrite(map.data, 1, map.size, f) == map.size;
      ok = std::fclose(f) == 0 && ok;
      ok = ok && std::rename(tmp.c_str(), path.c_str()) == 0;
    }
    gst_buffer_unmap(buf, &map);
  }
  gst_sample_unref(converted);
  if (!ok) *why = "cannot write " + path;
  return ok;
}

}  // namespace hallcast::display
