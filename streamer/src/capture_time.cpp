#include "hallcast/streamer/capture_time.hpp"

#include <atomic>
#include <cstring>

#include <gst/video/video.h>

#include "hallcast/common/frame_stamp.hpp"

namespace hallcast::streamer::capture_time {
namespace {

std::atomic<bool> g_stamping{false};

GstCaps* unix_caps() {
  static GstStaticCaps caps = GST_STATIC_CAPS("timestamp/x-unix");
  return gst_static_caps_get(&caps);  // cached by GStreamer; we own one ref
}

void fill(GstVideoFrame* frame, int plane, int x, int y, int w, int h, uint8_t value) {
  const GstVideoFormatInfo* fi = frame->info.finfo;
  // Plane -> its first component, for the subsampling of that plane.
  int comp = 0;
  for (guint c = 0; c < GST_VIDEO_FORMAT_INFO_N_COMPONENTS(fi); ++c)
    if (static_cast<int>(GST_VIDEO_FORMAT_INFO_PLANE(fi, c)) == plane) {
      comp = static_cast<int>(c);
      break;
    }
  int px = GST_VIDEO_SUB_SCALE(GST_VIDEO_FORMAT_INFO_W_SUB(fi, comp), x);
  int py = GST_VIDEO_SUB_SCALE(GST_VIDEO_FORMAT_INFO_H_SUB(fi, comp), y);
  int pw = GST_VIDEO_SUB_SCALE(GST_VIDEO_FORMAT_INFO_W_SUB(fi, comp), w);
  int ph = GST_VIDEO_SUB_SCALE(GST_VIDEO_FORMAT_INFO_H_SUB(fi, comp), h);
  auto* data = static_cast<uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(frame, plane));
  int stride = GST_VIDEO_FRAME_PLANE_STRIDE(frame, plane);
  for (int row = py; row < py + ph; ++row) std::memset(data + row * stride + px, value, pw);
}

}  // namespace

uint64_t wall_us_at(GstClock* clock, GstClockTime base_time, GstClockTime running) {
  GstClockTime now = gst_clock_get_time(clock);
  int64_t wall_now = g_get_real_time();
  int64_t ago_ns = static_cast<int64_t>(now) - static_cast<int64_t>(base_time + running);
  return static_cast<uint64_t>(wall_now - ago_ns / 1000);
}

std::optional<uint64_t> wall_us_of(GstElement* element, GstClockTime running) {
  if (!GST_CLOCK_TIME_IS_VALID(running)) return std::nullopt;
  GstClock* clock = gst_element_get_clock(element);
  if (!clock) return std::nullopt;
  uint64_t wall = wall_us_at(clock, gst_element_get_base_time(element), running);
  gst_object_unref(clock);
  return wall;
}

void attach(GstBuffer* buffer, uint64_t wall_us) {
  GstCaps* caps = unix_caps();
  gst_buffer_add_reference_timestamp_meta(buffer, caps, wall_us * 1000, GST_CLOCK_TIME_NONE);
  gst_caps_unref(caps);
}

std::optional<uint64_t> of(GstBuffer* buffer) {
  GstCaps* caps = unix_caps();
  GstReferenceTimestampMeta* m = gst_buffer_get_reference_timestamp_meta(buffer, caps);
  gst_caps_unref(caps);
  if (!m) return std::nullopt;
  return m->timestamp / 1000;
}

void set_stamping(bool on) {
  g_stamping.store(on);
}

bool stamping() {
  return g_stamping.load(std::memory_order_relaxed);
}

bool paint(GstBuffer* writable, GstCaps* caps, uint64_t wall_us) {
  GstVideoInfo info;
  if (!caps || !gst_video_info_from_caps(&info, caps)) return false;
  const GstVideoFormatInfo* fi = info.finfo;
  if (!GST_VIDEO_FORMAT_INFO_IS_YUV(fi) || GST_VIDEO_FORMAT_INFO_BITS(fi) != 8 ||
      GST_VIDEO_FORMAT_INFO_N_PLANES(fi) < 3)
    return false;  // the program format is I420; other layouts are not needed
  GstVideoFrame frame;
  if (!gst_video_frame_map(&frame, &info, writable, GST_MAP_WRITE)) return false;
  for (const stamp::Cell& c :
       stamp::encode(wall_us, GST_VIDEO_INFO_WIDTH(&info), GST_VIDEO_INFO_HEIGHT(&info))) {
    fill(&frame, 0, c.x, c.y, c.size, c.size, c.white ? 235 : 16);
    fill(&frame, 1, c.x, c.y, c.size, c.size, 128);
    fill(&frame, 2, c.x, c.y, c.size, c.size, 128);
  }
  gst_video_frame_unmap(&frame);
  return true;
}

}  // namespace hallcast::streamer::capture_time
