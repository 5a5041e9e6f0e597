#include "hallcast/streamer/gst_log.hpp"

#include <cstdlib>

#include <gst/gst.h>

#include "hallcast/common/logging.hpp"

namespace hallcast::streamer {
namespace {

spdlog::level::level_enum to_spdlog(GstDebugLevel level) {
  switch (level) {
    case GST_LEVEL_ERROR:
      return spdlog::level::err;
    case GST_LEVEL_WARNING:
    case GST_LEVEL_FIXME:
      return spdlog::level::warn;
    case GST_LEVEL_INFO:
      return spdlog::level::info;
    case GST_LEVEL_DEBUG:
      return spdlog::level::debug;
    default:
      return spdlog::level::trace;
  }
}

void log_function(GstDebugCategory* category, GstDebugLevel level, const gchar* file, const gchar*,
                  gint line, GObject* object, GstDebugMessage* message, gpointer logger) {
  try {
    auto* l = static_cast<spdlog::logger*>(logger);
    auto lvl = to_spdlog(level);
    if (!l->should_log(lvl)) return;
    const gchar* text = gst_debug_message_get(message);
    std::string who = object && GST_IS_OBJECT(object)
                          ? GST_OBJECT_NAME(object) ? GST_OBJECT_NAME(object) : ""
                          : "";
    l->log(lvl, "{} {}{}{} ({}:{})", gst_debug_category_get_name(category), who,
           who.empty() ? "" : ": ", text ? text : "", file ? file : "", line);
  } catch (...) {
    // never let an exception cross into GStreamer
  }
}

}  // namespace

void route_gst_log() {
  static std::shared_ptr<spdlog::logger> logger = logging::get("gst");
  gst_debug_remove_log_function(gst_debug_log_default);
  gst_debug_add_log_function(&log_function, logger.get(), nullptr);
  if (!std::getenv("GST_DEBUG")) {
    gst_debug_set_default_threshold(GST_LEVEL_WARNING);
    // A program input dropping its oldest buffer is the designed bounded-queue behaviour under
    // load, and appsrc warns once per buffer: never per frame in the log.
    gst_debug_set_threshold_for_name("appsrc", GST_LEVEL_ERROR);
  }
}

}  // namespace hallcast::streamer
