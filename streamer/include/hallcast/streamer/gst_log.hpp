// Routes GStreamer's debug log into the spdlog logger "gst" (warnings and above unless GST_DEBUG
// asks for more). Call once after gst_init(); any thread may log through it afterwards.
#pragma once

namespace hallcast::streamer {

void route_gst_log();

}  // namespace hallcast::streamer
