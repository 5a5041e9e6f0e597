#include "hallcast/gst/log_bridge.hpp"

#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

#include "hallcast/common/logging.hpp"

namespace hallcast::gst {
namespace {

// What the C callback reads; replaced only by route_log() on the main thread, before or while
// no pipeline runs, and never freed (GStreamer may still hold the pointer).
struct Bridge {
  std::shared_ptr<spdlog::logger> logger;
  RateLimit limit;
  std::vector<DemotedWarning> demoted;

  bool is_demoted(std::string_view category, std::string_view text) const {
    for (const auto& d : demoted)
      if (category == d.category && text.starts_with(d.text)) return true;
    return false;
  }
};

// Any GStreamer thread; spdlog loggers are thread-safe. Must not throw (C callback).
void log_function(GstDebugCategory* category, GstDebugLevel level, const gchar* /*file*/,
                  const gchar* /*function*/, gint /*line*/, GObject* object,
                  GstDebugMessage* message, gpointer user_data) noexcept {
  auto* bridge = static_cast<Bridge*>(user_data);
  auto lvl = to_spdlog(level);
  if (!bridge->logger->should_log(lvl)) return;
  try {
    const gchar* text = gst_debug_message_get(message);
    if (text == nullptr) text = "";
    const char* name = object != nullptr && GST_IS_OBJECT(object) ? GST_OBJECT_NAME(object) : "";
    if (name == nullptr) name = "";
    const char* cat = gst_debug_category_get_name(category);
    if (lvl == spdlog::level::warn && bridge->is_demoted(cat, text)) {
      lvl = spdlog::level::debug;
      if (!bridge->logger->should_log(lvl)) return;
    }
    if (lvl >= spdlog::level::warn) {
      int suppressed = 0;
      const std::string key = std::string(cat) + "/" + name;
      if (!bridge->limit.allow(key, std::chrono::steady_clock::now(), &suppressed)) return;
      if (suppressed > 0)
        bridge->logger->log(lvl, "{} {}: {} similar lines suppressed", cat, name, suppressed);
    }
    bridge->logger->log(lvl, "{} {}: {}", cat, name, text);
  } catch (...) {
    // never let an exception cross into GStreamer
  }
}

}  // namespace

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

GstDebugLevel threshold_for(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return GST_LEVEL_LOG;
    case spdlog::level::debug:
      return GST_LEVEL_DEBUG;
    case spdlog::level::info:  // GStreamer's INFO is per-object noise
    case spdlog::level::warn:
      return GST_LEVEL_WARNING;
    case spdlog::level::err:
    case spdlog::level::critical:
      return GST_LEVEL_ERROR;
    default:
      return GST_LEVEL_NONE;
  }
}

bool RateLimit::allow(const std::string& key, std::chrono::steady_clock::time_point now,
                      int* suppressed) {
  std::lock_guard lock(mutex_);
  Entry& e = entries_[key];
  *suppressed = 0;
  if (e.count == 0 || now - e.start >= window_) {
    *suppressed = e.dropped;
    e = Entry{now, 0, 0};
  }
  if (e.count < burst_) {
    ++e.count;
    return true;
  }
  ++e.dropped;
  return false;
}

void route_log(const LogBridgeOptions& options) {
  // Never freed: a GStreamer thread may still be inside log_function with an older bridge.
  // (Reachable from this list, so LeakSanitizer does not report them.)
  static auto* bridges = new std::vector<Bridge*>();
  auto* bridge =
      new Bridge{logging::get("gst"), RateLimit(options.burst, options.window), options.demoted};
  gst_debug_remove_log_function(gst_debug_log_default);
  if (!bridges->empty()) gst_debug_remove_log_function_by_data(bridges->back());
  bridges->push_back(bridge);
  gst_debug_add_log_function(log_function, bridge, nullptr);
  if (std::getenv("GST_DEBUG") == nullptr) {
    gst_debug_set_default_threshold(threshold_for(bridge->logger->level()));
    for (const auto& q : options.quiet) gst_debug_set_threshold_for_name(q.name.c_str(), q.maximum);
  }
}

}  // namespace hallcast::gst
