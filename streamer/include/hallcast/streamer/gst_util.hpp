// Small RAII helpers for GLib/GStreamer objects. Header-only; any thread.
#pragma once

#include <memory>
#include <string>

#include <gst/gst.h>

namespace hallcast::streamer {

struct GstObjectUnref {
  void operator()(gpointer p) const {
    if (p) gst_object_unref(p);
  }
};
template <typename T>
using GstPtr = std::unique_ptr<T, GstObjectUnref>;

struct GErrorFree {
  void operator()(GError* e) const {
    if (e) g_error_free(e);
  }
};
using GErrorPtr = std::unique_ptr<GError, GErrorFree>;

struct GFreeDeleter {
  void operator()(gpointer p) const { g_free(p); }
};
using GCharPtr = std::unique_ptr<gchar, GFreeDeleter>;

// gst_bin_get_by_name with ownership; nullptr if absent.
inline GstPtr<GstElement> child(GstElement* bin, const std::string& name) {
  return GstPtr<GstElement>(gst_bin_get_by_name(GST_BIN(bin), name.c_str()));
}

inline std::string to_std(const gchar* s) {
  return s ? std::string(s) : std::string();
}

}  // namespace hallcast::streamer
