#include "hallcast/streamer/gst_log.hpp"

#include "hallcast/gst/log_bridge.hpp"

namespace hallcast::streamer {

void route_gst_log() {
  gst::LogBridgeOptions options;
  // A program input dropping its oldest buffer is the designed bounded-queue behaviour under
  // load, and appsrc warns once per buffer: never per frame in the log.
  options.quiet.push_back({"appsrc", GST_LEVEL_ERROR});
  gst::route_log(options);
}

}  // namespace hallcast::streamer
