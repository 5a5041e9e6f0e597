#include "hallcast/display/gst_log.hpp"

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <unordered_map>

#include <gst/gst.h>

#include "hallcast/common/logging.hpp"

namespace hallcast::display {
namespace {

spdlog::level::level_enum to_spdlog(GstDebugLevel level) {
  switch (level) {
    case GST_LEVEL_ERROR:
      return spdlog::level::err;
    case GST_LEVEL_WARNING:
      return spdlog::level::warn;
    case GST_LEVEL_FIXME:
    case GST_LEVEL_INFO:
      return spdlog::level::info;
    case GST_LEVEL_DEBUG:
      return spdlog::level::debug;
    default:
      return spdlog::level::trace;
  }
}

// GStreamer repeats some warnings per frame (e.g. a decoder's "decreasing timestamp" after a
// reconnect): at most kBurst lines per source and category in each kWindow, then one summary.
constexpr int kBurst = 3;
constexpr auto kWindow = std::chrono::seconds(10);

class RateLimit {
 public:
  // Whether to log now; *suppressed = lines dropped in the window that just ended.
  bool allow(const std::string& key, int* suppressed) {
    std::lock_guard lock(mutex_);
    auto now = std::chrono::steady_clock::now();
    Entry& e = entries_[key];
    *suppressed = 0;
    if (now - e.start > kWindow) {
      *suppressed = e.dropped;
      e = Entry{now, 0, 0};
    }
    if (e.count < kBurst) {
      ++e.count;
      return true;
    }
    ++e.dropped;
    return false;
  }

 private:
  struct Entry {
    std::chrono::steady_clock::time_point start{};
    int count = 0;
    int dropped = 0;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

RateLimit g_rate_limit;

// Any GStreamer thread; spdlog loggers are thread-safe. Must not throw (C callback).
void log_function(GstDebugCategory* category, GstDebugLevel level, const gchar* file,
                  const gchar* function, gint line, GObject* object, GstDebugMessage* message,
                  gpointer user_data) noexcept {
  (void)file;
  (void)function;
  (void)line;
  auto* logger = static_cast<spdlog::logger*>(user_data);
  const auto lvl = to_spdlog(level);
  if (!logger->should_log(lvl)) return;
  try {
    const gchar* text = gst_debug_message_get(message);
    const char* name = (object != nullptr && GST_IS_OBJECT(object)) ? GST_OBJECT_NAME(object) : "";
    const char* cat = gst_debug_category_get_name(category);
    int suppressed = 0;
    if (lvl >= spdlog::level::warn &&
        !g_rate_limit.allow(std::string(cat) + "/" + (name ? name : ""), &suppressed))
      return;
    if (suppressed > 0)
      logger->log(lvl, "{} {}: {} similar lines suppressed", cat, name ? name : "", suppressed);
    logger->log(lvl, "{} {}: {}", cat, name ? name : "", text ? text : "");
  } catch (...) {
  }
}

GstDebugLevel threshold_for(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return GST_LEVEL_LOG;
    case spdlog::level::debug:
      return GST_LEVEL_DEBUG;
    case spdlog::level::info:
      return GST_LEVEL_WARNING;  // GStreamer's INFO is per-object noise
    case spdlog::level::warn:
      return GST_LEVEL_WARNING;
    case spdlog::level::err:
    case spdlog::level::critical:
      return GST_LEVEL_ERROR;
    default:
      return GST_LEVEL_NONE;
  }
}

}  // namespace

void route_gst_log() {
  static std::shared_ptr<spdlog::logger> logger = logging::get("gst");
  gst_debug_remove_log_function(gst_debug_log_default);
  gst_debug_add_log_function(log_function, logger.get(), nullptr);
  if (std::getenv("GST_DEBUG") == nullptr) {
    gst_debug_set_default_threshold(threshold_for(logger->level()));
  }
}

}  // namespace hallcast::display
