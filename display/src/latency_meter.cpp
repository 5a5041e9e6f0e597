#include "hallcast/display/latency_meter.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <gst/video/video.h>

#include "hallcast/common/frame_stamp.hpp"
#include "hallcast/common/logging.hpp"

namespace hallcast::display {
namespace {

constexpr int64_t kFlushEveryUs = 1'000'000;

// Mean level of a square of the picture: luma for YUV, (R+G+B)/3 for RGB; every other pixel.
int mean_level(const GstVideoFrame& f, int x, int y, int size) {
  const GstVideoFormatInfo* fi = f.info.finfo;
  const bool rgb = GST_VIDEO_FORMAT_INFO_IS_RGB(fi);
  const int comps = rgb ? 3 : 1;
  int64_t sum = 0, n = 0;
  for (int c = 0; c < comps; ++c) {
    auto* data = static_cast<const uint8_t*>(GST_VIDEO_FRAME_COMP_DATA(&f, c));
    int stride = GST_VIDEO_FRAME_COMP_STRIDE(&f, c);
    int pstride = GST_VIDEO_FRAME_COMP_PSTRIDE(&f, c);
    for (int row = y; row < y + size; row += 2)
      for (int col = x; col < x + size; col += 2) {
        sum += data[row * stride + col * pstride];
        ++n;
      }
  }
  return n > 0 ? static_cast<int>(sum / n) : 0;
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0.0;
  size_t i = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size()))) - 1;
  return sorted[std::min(i, sorted.size() - 1)];
}

}  // namespace

std::optional<uint64_t> read_frame_stamp(GstBuffer* buffer, GstCaps* caps, uint64_t now_us) {
  GstVideoInfo info;
  if (!buffer || !caps || !gst_video_info_from_caps(&info, caps)) return std::nullopt;
  const GstVideoFormatInfo* fi = info.finfo;
  if (GST_VIDEO_FORMAT_INFO_BITS(fi) != 8 ||
      !(GST_VIDEO_FORMAT_INFO_IS_YUV(fi) || GST_VIDEO_FORMAT_INFO_IS_RGB(fi)))
    return std::nullopt;
  GstVideoFrame frame;
  if (!gst_video_frame_map(&frame, &info, buffer, GST_MAP_READ)) return std::nullopt;
  auto sampler = [&frame](int x, int y, int size) { return mean_level(frame, x, y, size); };
  auto stamp =
      stamp::decode(sampler, GST_VIDEO_INFO_WIDTH(&info), GST_VIDEO_INFO_HEIGHT(&info), now_us);
  gst_video_frame_unmap(&frame);
  return stamp;
}

nlohmann::json latency_summary(std::vector<double> samples_ms) {
  std::sort(samples_ms.begin(), samples_ms.end());
  nlohmann::json j;
  j["frames"] = samples_ms.size();
  j["p50_ms"] = percentile(samples_ms, 0.50);
  j["p95_ms"] = percentile(samples_ms, 0.95);
  j["max_ms"] = samples_ms.empty() ? 0.0 : samples_ms.back();
  return j;
}

LatencyMeter::LatencyMeter(const std::string& path) : file_(std::fopen(path.c_str(), "w")) {
  if (!file_) throw std::runtime_error("--measure-latency: cannot write " + path);
}

LatencyMeter::~LatencyMeter() {
  finish();
}

void LatencyMeter::attach(GstElement* sink) {
  GstPad* pad = gst_element_get_static_pad(sink, "sink");
  if (!pad) throw std::runtime_error("--measure-latency: the video sink has no sink pad");
  gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, &LatencyMeter::on_frame, this, nullptr);
  gst_object_unref(pad);
}

GstPadProbeReturn LatencyMeter::on_frame(GstPad* pad, GstPadProbeInfo* info, gpointer self) {
  GstCaps* caps = gst_pad_get_current_caps(pad);
  static_cast<LatencyMeter*>(self)->frame(GST_PAD_PROBE_INFO_BUFFER(info), caps);
  if (caps) gst_caps_unref(caps);
  return GST_PAD_PROBE_OK;
}

void LatencyMeter::frame(GstBuffer* buffer, GstCaps* caps) {
  uint64_t now = static_cast<uint64_t>(g_get_real_time());
  auto captured = read_frame_stamp(buffer, caps, now);
  try {
    if (captured) {
      record(*captured, now);
    } else {
      std::lock_guard lock(mu_);
      ++unstamped_;
    }
  } catch (const std::exception& e) {
    logging::get("display")->error("latency meter: {}", e.what());
  }
}

void LatencyMeter::record(uint64_t capture_us, uint64_t render_us) {
  double ms = (static_cast<double>(render_us) - static_cast<double>(capture_us)) / 1000.0;
  std::string input = input_.load();
  std::lock_guard lock(mu_);
  if (!file_) return;
  samples_[input].push_back(ms);
  if (last_render_us_ != 0) {
    double gap = static_cast<double>(render_us - last_render_us_) / 1000.0;
    max_gap_ms_ = std::max(max_gap_ms_, gap);
    if (gap > kStallGapMs) ++stalls_;
  }
  last_render_us_ = render_us;
  std::fprintf(file_,
               "{\"capture_us\":%llu,\"render_us\":%llu,\"latency_ms\":%.3f,\"input\":\"%s\"}\n",
               static_cast<unsigned long long>(capture_us),
               static_cast<unsigned long long>(render_us), ms, input.c_str());
  int64_t mono = g_get_monotonic_time();
  if (mono - last_flush_us_ > kFlushEveryUs) {
    std::fflush(file_);
    last_flush_us_ = mono;
  }
}

nlohmann::json LatencyMeter::finish() {
  std::lock_guard lock(mu_);
  if (!file_) return nullptr;
  nlohmann::json by_input = nlohmann::json::object();
  std::vector<double> all;
  for (const auto& [input, s] : samples_) {
    by_input[input] = latency_summary(s);
    all.insert(all.end(), s.begin(), s.end());
  }
  nlohmann::json summary = latency_summary(all);
  summary["unstamped_frames"] = unstamped_;
  summary["stalls"] = stalls_;
  summary["max_gap_ms"] = max_gap_ms_;
  summary["by_input"] = by_input;
  std::fprintf(file_, "%s\n", nlohmann::json{{"summary", summary}}.dump().c_str());
  std::fclose(file_);
  file_ = nullptr;
  return summary;
}

}  // namespace hallcast::display
