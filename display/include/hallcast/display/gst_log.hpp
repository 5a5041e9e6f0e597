// Routes GStreamer's debug log into the spdlog logger "gst" (replacing the stderr printer).
#pragma once

namespace hallcast::display {

// Call once after gst_init(); the GStreamer threshold follows the "gst" logger's level unless
// GST_DEBUG is set in the environment.
void route_gst_log();

}  // namespace hallcast::display
